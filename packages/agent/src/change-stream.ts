import { type Client, ProtocolError } from "@modelcontextprotocol/client";
import { message } from "./describe-failure.js";

/**
 * A 2026-07-28 server's change stream (subscriptions/listen), kept open for as long as its connection lives. The SDK
 * does not open a cut stream again, and over HTTP a stream is cut by much that leaves the connection working: a
 * server redeployed behind its proxy, a proxy's or load balancer's limit on a response's age, a network blip. Calls
 * go on working then, but every change the server signals afterwards would go unheard for the rest of the run.
 */

/** The lists a change stream tells of. */
export type ChangedList = "tools" | "resources";

/** An open stream, as the SDK's `client.listen()` returns it. */
export interface ChangeStream {
  /** Resolves when the stream ends: "local" when we closed it, else "remote". */
  closed: Promise<string>;
}

/** What keeping a stream open needs from the agent. */
export interface ChangeStreamHooks {
  /**
   * The stream is open again after it was cut: a change signalled while it was down was not heard, so the lists it
   * tells of are read again.
   */
  onReopened(lists: readonly ChangedList[]): void;
  /**
   * One line when a stream could not be opened (and one when it is open after that), when it keeps being cut as soon
   * as it opens, and when the server refuses it.
   */
  onNotice?(line: string): void;
}

/** The longest wait between tries to open a cut stream again. */
export const REOPEN_MAX_DELAY_MS = 30_000;

/**
 * How long a stream must have stayed open for its cut to be reopened at once again: one cut sooner (a proxy's age
 * limit shorter than a round trip, a server ending every stream it acknowledges) keeps backing off.
 */
export const STABLE_STREAM_MS = 30_000;

/** How long to wait before try `attempt` (0 first) to open a cut stream again: at once, then 1 s doubling to 30 s. */
export function reopenDelayMs(attempt: number): number {
  if (attempt <= 0) return 0;
  return Math.min(REOPEN_MAX_DELAY_MS, 1000 * 2 ** (attempt - 1));
}

/**
 * Keep a change stream open on `client` for as long as the connection lives: `stream` is the one open now, or why
 * the first try failed; `open` opens another. A stream cut after it lasted STABLE_STREAM_MS is opened
 * again at once, else after a wait that grows up to every 30 s, as a failed try is. A server that answers a try
 * with an error (it offers no streams) is not asked again. Nothing here keeps the process alive.
 */
export function keepOpen(
  client: Client,
  stream: ChangeStream | { failed: unknown },
  open: () => Promise<ChangeStream>,
  lists: readonly ChangedList[],
  hooks: ChangeStreamHooks,
): void {
  let attempt = 0;
  let failing = false;
  let shortLived = false;
  // A connection that closed (the pool restarts a server on a new client, which opens its own stream) ends this.
  const connected = () => client.transport !== undefined;
  const watch = (current: ChangeStream) => {
    const openedAt = performance.now();
    void current.closed.then((cause) => {
      if (cause === "local" || !connected()) return;
      if (performance.now() - openedAt >= STABLE_STREAM_MS) attempt = 0;
      else if (!shortLived && attempt > 1) {
        shortLived = true;
        hooks.onNotice?.(
          `its change stream keeps being cut as soon as it opens; opening it again up to every ${REOPEN_MAX_DELAY_MS / 1000} s`,
        );
      }
      later();
    });
  };
  const later = () => setTimeout(() => void reopen(), reopenDelayMs(attempt++)).unref();
  const reopen = async () => {
    if (!connected()) return;
    try {
      const next = await open();
      if (failing) hooks.onNotice?.("its change stream is open now");
      failing = false;
      hooks.onReopened(lists);
      watch(next);
    } catch (error) {
      if (!connected()) return;
      if (error instanceof ProtocolError) {
        hooks.onNotice?.(`the server refused to open its change stream again (${message(error)})`);
        return;
      }
      failed(error);
    }
  };
  const failed = (error: unknown) => {
    if (!failing) {
      const every = REOPEN_MAX_DELAY_MS / 1000;
      hooks.onNotice?.(
        `its change stream could not be opened (${message(error)}); trying again, up to every ${every} s`,
      );
    }
    failing = true;
    later();
  };
  if ("failed" in stream) {
    // Not open from the start: the next try waits a second, as after any failure.
    attempt = 1;
    failed(stream.failed);
  } else watch(stream);
}
