import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  InMemoryTransport,
  type JSONRPCMessage,
  PROTOCOL_VERSION_META_KEY,
} from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { CliSpec } from "./cli-options.js";
import { parseCli } from "./cli-options.js";
import { createLogger } from "./logger.js";
import { MODERN_PROTOCOL_VERSION } from "./protocol.js";
import type { ServerCli } from "./serve.js";

const CLIENT = { name: "snapshot", version: "0" };

/**
 * While a startup snapshot of a server bin is made (core/build/bundle-bin.mjs --snapshot): serve one connection in
 * memory the way the agent opens one — `server/discover` then `tools/list`, in the 2026-07-28 era the agent pins for
 * its built-in servers — so that what its start compiles and prepares (the SDK's message schemas, the 2026-07-28
 * wire codec, the tool list) is already in the snapshot. Only the agent starts servers from snapshots. Warming the
 * 2025 era instead left every agent-started server building the 2026-07-28 codec on its first request: 36 ms more
 * CPU per start (266 against 230 ms, median of 15 interleaved starts on the 2-core AMD EPYC machine); warming both
 * makes the blob 0.5 MB larger, which every start pays to read for a client that never comes. A 2025-era client is
 * served all the same; its `initialize` builds that codec. Everything is dropped before the heap is saved.
 * Nothing here may draw randomness or start a timer: Node's timer state does not survive a snapshot (the build fails
 * if a timer was started, and bounds the whole run in time). So the factory is never warmed.
 */
export async function warmUpForSnapshot(
  cli: ServerCli<never, unknown>,
  spec: CliSpec,
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<void> {
  const parsed = parseCli(spec, argv, env);
  const config = await cli.configure(parsed.values as never, env);
  const factory = cli.createFactory(config, createLogger(spec.name, "silent"));
  try {
    const meta = {
      [PROTOCOL_VERSION_META_KEY]: MODERN_PROTOCOL_VERSION,
      [CLIENT_INFO_META_KEY]: CLIENT,
      [CLIENT_CAPABILITIES_META_KEY]: {},
    };
    await exchange(factory, [
      { id: 1, method: "server/discover", params: { _meta: meta } },
      { id: 2, method: "tools/list", params: { _meta: meta } },
    ]);
  } finally {
    await factory.close();
  }
}

/** Serve one in-memory connection: send each request after the previous one is answered, then close. */
async function exchange(factory: Parameters<typeof serveStdio>[0], requests: Record<string, unknown>[]) {
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  const handle = serveStdio(factory, { transport: serverSide });
  const waiting = new Map<unknown, { resolve: () => void; reject: (error: Error) => void }>();
  client.onmessage = (message) => {
    if (!("id" in message)) return;
    const wait = waiting.get(message.id);
    if ("error" in message) wait?.reject(new Error(`warm-up request failed: ${JSON.stringify(message.error)}`));
    else wait?.resolve();
  };
  try {
    await client.start();
    for (const request of requests) {
      const answered = new Promise<void>((resolve, reject) => waiting.set(request.id, { resolve, reject }));
      await client.send({ jsonrpc: "2.0", ...request } as JSONRPCMessage);
      await answered;
    }
  } finally {
    await handle.close();
    await client.close();
  }
}
