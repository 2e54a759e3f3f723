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
  /** Close pooled connections; in-flight requests are given a moment, then cut. A later request opens a fresh pool. */
  close(): Promise<void>;
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
      const closing = pool.close();
      const timer = new Promise((resolve) => setTimeout(resolve, 1000, "timeout").unref());
      if ((await Promise.race([closing, timer])) === "timeout") await pool.destroy();
    },
  };
}
