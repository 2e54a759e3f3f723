import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { CliSpec } from "./cli-options.js";
import { parseCli } from "./cli-options.js";
import { createLogger } from "./logger.js";
import type { ServerCli } from "./serve.js";

/**
 * While a startup snapshot of a server bin is made (core/build/bundle-bin.mjs --snapshot): run one session in
 * memory — configure from the build's warm-up arguments, initialize, tools/list, close — so that what a real
 * start compiles and prepares (the SDK's message schemas, the tool list) is already in the snapshot. The
 * server, its config and its client are dropped before the heap is saved. Nothing here may draw randomness or
 * start a timer: Node's timer state does not survive a snapshot (the build fails if a timer was started, and
 * bounds the whole run in time). So the `initialized` notification, which starts servers' background work
 * such as the SQLite executor's warm-up timer, is not sent; tools/list does not need it.
 */
export async function warmUpForSnapshot(
  cli: ServerCli<never, unknown>,
  spec: CliSpec,
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<void> {
  const parsed = parseCli(spec, argv, env);
  const config = await cli.configure(parsed.values as never, env);
  const server = cli.createServer(config, createLogger(spec.name, "silent"));
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  try {
    await server.connect(serverSide);
    const answered = new Promise<void>((resolve, reject) => {
      client.onmessage = (message) => {
        if ("id" in message && message.id === 2) {
          if ("error" in message) reject(new Error(`tools/list failed: ${JSON.stringify(message.error)}`));
          else resolve();
        }
      };
    });
    await client.start();
    const send = (message: Record<string, unknown>) => client.send({ jsonrpc: "2.0", ...message } as JSONRPCMessage);
    await send({
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "snapshot", version: "0" } },
    });
    await send({ id: 2, method: "tools/list" });
    await answered;
  } finally {
    await server.close();
    await cli.dispose?.(config);
  }
}
