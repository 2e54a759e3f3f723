// A stopping HTTP server that lets the calls it is answering finish: behind a proxy, a rolling restart (SIGTERM to
// one replica, then the next) would otherwise cut every call in flight, and a client whose write was cut cannot tell
// whether it ran. Bounded, so a call that would run for its whole time limit is still cut.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { Server as NetServer } from "node:net";

/**
 * How long a stopping server keeps the idle keep-alive connections a proxy holds, answering what arrives on them,
 * whether or not calls are still running. nginx sends a call down one it picked from its cache; were that connection
 * closed as the call left, nginx would answer 502 and not resend it (a POST may have run). Those it uses are answered
 * with Connection: close.
 */
export const IDLE_GRACE_MS = 1000;

/** A server that can stop in two steps: drain (take no new connections, wait for answers), then close. */
export interface Drainable {
  /**
   * Stop listening and wait up to `ms` for the POSTs being answered, then up to IDLE_GRACE_MS (within `ms`) for the
   * idle connections left to be closed by their clients; those still idle IDLE_GRACE_MS in are closed, POSTs left
   * or not. True when no POST is left.
   */
  drain(ms: number): Promise<boolean>;
  /** Cut every connection left and wait for the server to close. */
  close(): Promise<void>;
  /** `res` is a POST answered as a stream that lasts until its client leaves (subscriptions/listen): not waited for. */
  untrack(res: ServerResponse): void;
}

/** Track `server`'s requests from now on, so that it can be drained before it is closed. */
export function drainable(server: Server): Drainable {
  const running = new Set<ServerResponse>();
  // Answers that last as long as their client (GET streams, untracked listen streams): each holds a connection
  // that is not idle, and is not waited for.
  const streams = new Set<ServerResponse>();
  let draining = false;
  let changed: (() => void) | undefined;
  const stream = (res: ServerResponse) => {
    streams.add(res);
    res.once("close", () => streams.delete(res));
  };
  // First of the request listeners, so the header is set before a handler can answer.
  server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    // A proxy keeps connections to a replica open and reuses them: tell it this one is going.
    if (draining) res.setHeader("connection", "close");
    ownConnectionHeader(res);
    // A GET is a stream that lasts until its client leaves (--stateful): there is no answer to wait for.
    if (req.method === "GET") return stream(res);
    running.add(res);
    res.once("close", () => forget(res));
  });
  const forget = (res: ServerResponse) => {
    running.delete(res);
    changed?.();
  };
  // Wait until `done()`, re-checked as answers end and every 50 ms (connections closing), or `ms` has passed.
  const until = async (done: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await done()) && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        changed = resolve;
        timer = setTimeout(resolve, Math.min(50, Math.max(0, deadline - Date.now())));
      });
      clearTimeout(timer);
      changed = undefined;
    }
  };
  const connections = () =>
    new Promise<number>((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
  let stopped: Promise<void> | undefined;
  // Stop listening once, keeping the connections open: http.Server#close would also close the idle ones at once.
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    return stopped;
  };
  return {
    async drain(ms) {
      draining = true;
      const deadline = Date.now() + ms;
      // The calls already running close their connection too when answered, so a proxy does not send the next
      // request down a connection that is about to go.
      for (const res of running) if (!res.headersSent) res.setHeader("connection", "close");
      void stop();
      // Past the grace, the idle connections go even while calls run on: nginx drops a connection closed while idle
      // in its cache, connects anew, is refused, and hands the call to another replica. Left open for the whole
      // drain, each would take one more call here, to be stopped with the rest (a query queued behind a long one).
      setTimeout(() => server.closeIdleConnections(), Math.min(IDLE_GRACE_MS, ms)).unref();
      await until(async () => running.size === 0, ms);
      if (running.size > 0) return false;
      const grace = Math.min(IDLE_GRACE_MS, Math.max(0, deadline - Date.now()));
      await until(async () => running.size === 0 && (await connections()) <= streams.size, grace);
      return running.size === 0;
    },
    async close() {
      const closed = stop();
      server.closeAllConnections();
      await closed;
      // What http.Server#close does besides: stop the timer that checks its connections' request timeouts.
      server.close();
    },
    untrack(res) {
      forget(res);
      stream(res);
    },
  };
}

/**
 * Leave the Connection header to Node, dropping one a handler writes: the SDK writes `Connection: keep-alive` on every
 * event stream, which Node takes as an order, so a 2025-era answer sent while draining said keep-alive (a proxy then
 * sent its next call down a connection about to close), and a client that asked for Connection: close had its
 * connection held open for the keep-alive timeout. Node itself keeps a connection alive unless one side asked to close.
 */
function ownConnectionHeader(res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const headers = args.at(-1);
    if (typeof headers === "object" && headers !== null && !Array.isArray(headers)) {
      const kept = Object.entries(headers).filter(([name]) => name.toLowerCase() !== "connection");
      args[args.length - 1] = Object.fromEntries(kept);
    }
    return (writeHead as (...rest: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}
