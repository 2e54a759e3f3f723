// A 2026-07-28 client that listens for changes to the resource list, over Streamable HTTP on 127.0.0.1: its SDK opens
// a subscriptions/listen stream by itself as it connects. For the tests of what such a stream holds and hears.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { expect } from "vitest";

/**
 * A connected listening client; `protocolVersion` as the other test clients have it, and `errors` as its SDK reported
 * them (a listen stream the server refused: the client is connected, without the stream).
 */
export type ListeningClient = Client & { protocolVersion(): string | undefined; errors: Error[] };

/**
 * Connect a client to `url` with `token`, hearing each new resource list in `onChanged`, and resolve once its listen
 * stream is acknowledged (a change sent before that reaches nobody), or was refused. The caller closes it.
 */
export async function listeningClient(
  url: URL,
  token: string,
  onChanged: (uris: string[]) => void = () => {},
): Promise<ListeningClient> {
  const client = new Client(
    { name: "listener", version: "1.0.0" },
    {
      versionNegotiation: { mode: "auto" },
      listChanged: {
        resources: {
          onChanged: (error, resources) => {
            if (!error) onChanged((resources ?? []).map((r) => r.uri));
          },
        },
      },
    },
  );
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  const listening = Object.assign(client, { protocolVersion: () => client.getNegotiatedProtocolVersion(), errors });
  try {
    await client.connect(
      new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
    );
    await expect.poll(() => client.autoOpenedSubscription ?? errors[0], { timeout: 5000 }).toBeDefined();
  } catch (error) {
    await client.close();
    throw error;
  }
  return listening;
}
