// A stopping HTTP server that lets the calls it is answering finish: behind a proxy, a rolling restart (SIGTERM to
// one replica, then the next) would otherwise cut every call in flight, and a client whose write was cut cannot tell
// whether it ran. Bounded, so a call that would run for its whole time limit is still cut.
import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** A server that can stop in two steps: drain (take no new connections, wait for answers), then close. */
export interface Drainable {
  /** Stop listening and wait up to `ms` for the POSTs being answered; true when none is left. */
  drain(ms: number): Promise<boolean>;
  /** Cut every connection left and wait for the server to close. */
  close(): Promise<void>;
  /** `res` is a POST answered as a stream that lasts until its client leaves (subscriptions/listen): not waited for. */
  untrack(res: ServerResponse): void;
}

/** Track `server`'s requests from now on, so that it can be drained before it is closed. */
export function drainable(server: Server): Drainable {
  const running = new Set<ServerResponse>();
  let draining = false;
  let idle: (() => void) | undefined;
  // First of the request listeners, so the header is set before a handler can answer.
  server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    // A proxy keeps connections to a replica open and reuses them: tell it this one is going.
    if (draining) res.setHeader("connection", "close");
    // A GET is a stream that lasts until its client leaves (--stateful): there is no answer to wait for.
    if (req.method === "GET") return;
    running.add(res);
    res.once("close", () => forget(res));
  });
  const forget = (res: ServerResponse) => {
    running.delete(res);
    if (running.size === 0) idle?.();
  };
  let stopped: Promise<void> | undefined;
  // server.close() once: a second call, made after the server has closed, would wait for a "close" already past.
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => server.close(() => resolve()));
    return stopped;
  };
  return {
    async drain(ms) {
      draining = true;
      // The calls already running close their connection too when answered, so a proxy does not send the next
      // request down a connection that is about to go.
      for (const res of running) if (!res.headersSent) res.setHeader("connection", "close");
      void stop();
      server.closeIdleConnections();
      if (running.size === 0) return true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          idle = resolve;
        }),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, ms);
        }),
      ]);
      clearTimeout(timer);
      return running.size === 0;
    },
    async close() {
      const closed = stop();
      server.closeAllConnections();
      await closed;
    },
    untrack: forget,
  };
}
