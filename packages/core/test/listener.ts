// A 2026-07-28 client that listens for changes to the resource list, over Streamable HTTP on 127.0.0.1: its SDK opens
// a subscriptions/listen stream by itself as it connects. For the tests of what such a stream holds and hears.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { expect } from "vitest";

/** A connected listening client; `protocolVersion` as the other test clients have it. */
export type ListeningClient = Client & { protocolVersion(): string | undefined };

/**
 * Connect a client to `url` with `token`, hearing each new resource list in `onChanged`, and resolve once its listen
 * stream is acknowledged (a change sent before that reaches nobody). The caller closes it.
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
  const listening = Object.assign(client, { protocolVersion: () => client.getNegotiatedProtocolVersion() });
  try {
    await client.connect(
      new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
    );
    await expect.poll(() => client.autoOpenedSubscription, { timeout: 5000 }).toBeDefined();
  } catch (error) {
    await client.close();
    throw error;
  }
  return listening;
}
