import { type Client, ProtocolError } from "@modelcontextprotocol/client";
import { message } from "./server-errors.js";

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
  /** One line when a cut stream could not be opened again at once, and one when it is open again after that. */
  onNotice?(line: string): void;
}

/** The longest wait between tries to open a cut stream again. */
export const REOPEN_MAX_DELAY_MS = 30_000;

/** How long to wait before try `attempt` (0 first) to open a cut stream again: at once, then 1 s doubling to 30 s. */
export function reopenDelayMs(attempt: number): number {
  if (attempt <= 0) return 0;
  return Math.min(REOPEN_MAX_DELAY_MS, 1000 * 2 ** (attempt - 1));
}

/**
 * Watch `stream`, opened on `client` with `open`, and open it again each time it is cut while the connection lives:
 * at once, then backing off up to every 30 s. A server that answers the reopening with an error (it no longer offers
 * streams) is not asked again. Nothing here keeps the process alive.
 */
export function keepOpen(
  client: Client,
  stream: ChangeStream,
  open: () => Promise<ChangeStream>,
  lists: readonly ChangedList[],
  hooks: ChangeStreamHooks,
): void {
  let attempt = 0;
  let failing = false;
  // A connection that closed (the pool restarts a server on a new client, which opens its own stream) ends this.
  const connected = () => client.transport !== undefined;
  const watch = (current: ChangeStream) => {
    void current.closed.then((cause) => {
      if (cause !== "local" && connected()) later();
    });
  };
  const later = () => setTimeout(() => void reopen(), reopenDelayMs(attempt++)).unref();
  const reopen = async () => {
    if (!connected()) return;
    try {
      const next = await open();
      attempt = 0;
      if (failing) hooks.onNotice?.("its change stream is open again");
      failing = false;
      hooks.onReopened(lists);
      watch(next);
    } catch (error) {
      if (!connected()) return;
      if (error instanceof ProtocolError) {
        hooks.onNotice?.(`its change stream was cut and the server refused to open it again (${message(error)})`);
        return;
      }
      if (!failing) {
        const every = REOPEN_MAX_DELAY_MS / 1000;
        hooks.onNotice?.(
          `its change stream was cut and could not be opened again (${message(error)}); trying again, up to every ${every} s`,
        );
      }
      failing = true;
      later();
    }
  };
  watch(stream);
}
