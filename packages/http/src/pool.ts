// The keep-alive connection pool under the fetcher: one undici Agent whose every dial goes through the guarded
// connector (connector.ts), so no socket opens to an address the policy refuses.
import type { lookup as dnsLookup } from "node:dns";
import type { Agent, Dispatcher } from "undici";
import { guardedConnector } from "./connector.js";
import { interop } from "./interop.js";
import type { AddressPolicy } from "./url-policy.js";

/** Requests over pooled connections, and closing them. */
export interface Pool {
  request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  /**
   * Close pooled connections; in-flight requests are given CLOSE_GRACE_MS, then cut with PoolClosed. A later request
   * opens a fresh pool.
   */
  close(): Promise<void>;
}

/** How long requests in flight get to finish when the pool closes, before they are cut. */
const CLOSE_GRACE_MS = 250;

/** What a request still in flight when the pool closed fails with: its server is stopping (or its owner closed it). */
export class PoolClosed extends Error {
  readonly code = "MCP_POOL_CLOSED";

  constructor() {
    super("the server is shutting down");
  }
}

/** Most requests in flight to one origin; more wait their turn in the pool, inside their own time limit. */
export const MAX_CONNECTIONS_PER_ORIGIN = 16;

/** Create the pool; `timeoutMs` bounds headers and body (and connecting, at most 10 s). */
export function createPool(policy: AddressPolicy, timeoutMs: number, lookup?: typeof dnsLookup): Pool {
  // undici is loaded on the first request, so a cold start that only lists tools never pays for it.
  let agent: Promise<Agent> | undefined;
  return {
    async request(options) {
      agent ??= import("undici").then(interop).then(
        ({ Agent, buildConnector }) =>
          new Agent({
            connect: guardedConnector(buildConnector, policy, Math.min(timeoutMs, 10_000), lookup),
            keepAliveTimeout: 10_000,
            keepAliveMaxTimeout: 60_000,
            connections: MAX_CONNECTIONS_PER_ORIGIN,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
          }),
      );
      return (await agent).request(options);
    },
    async close() {
      if (!agent) return;
      const pool = await agent;
      agent = undefined;
      // Short enough for a stopping server to still answer the calls it cuts (core's process-lifecycle FLUSH_MS).
      // Not close() then destroy(): undici then lets the requests run on to their own timeouts.
      const until = performance.now() + CLOSE_GRACE_MS;
      while (busy(pool) && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      if (busy(pool)) await pool.destroy(new PoolClosed());
      else await pool.close();
    },
  };
}

/** Whether the pool has requests in flight or waiting for a connection. */
function busy(pool: Agent): boolean {
  return Object.values(pool.stats).some((origin) => origin.running > 0 || origin.pending > 0);
}
