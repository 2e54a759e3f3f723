import type { Client, Transport } from "@modelcontextprotocol/client";
import { schemaCheckFor } from "./meta-schema.js";
import type { PoolOptions } from "./pool-options.js";
import type { ServerHandle } from "./server-handle.js";
import { serverTools } from "./tool-listing.js";

/** The server did not finish its handshake within --startup-timeout: final, never retried. */
export class StartupTimeout extends Error {
  override name = "StartupTimeout";
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * Connect a server's client within the start-up timeout and, on its first start, list its tools into the handle.
 * Throws when the server does not answer in time or the handshake fails.
 */
export async function handshake(
  handle: ServerHandle,
  client: Client,
  transport: Transport,
  listTools: boolean,
  options: Pick<PoolOptions, "startupTimeoutMs" | "onNotice">,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StartupTimeout(options.startupTimeoutMs)), options.startupTimeoutMs);
    });
    const work = async () => {
      // The overall start-up timer above decides; these only stop requests from hanging forever.
      const requestTimeout = options.startupTimeoutMs + 1000;
      await client.connect(transport, { timeout: requestTimeout });
      if (!listTools || !client.getServerCapabilities()?.tools) return;
      const check = await schemaCheckFor(handle.spec);
      const tools = await serverTools(client, handle.spec.name, requestTimeout, options.onNotice, false, check);
      handle.tools = tools;
      handle.instructions = client.getInstructions();
    };
    const working = work();
    // If the timeout wins, the handshake still settles later; it must not become an unhandled rejection.
    working.catch(() => {});
    await Promise.race([working, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
