/**
 * How long a streamed reply may send nothing once it has started. The Messages API sends `ping` events while it
 * works, so a reply this quiet has stalled (a proxy or NAT dropped the connection without closing it), and the SDK's
 * own timeout stops at the response headers: without this, the run would wait forever.
 */
export const STREAM_IDLE_MS = 180_000;

const quietFor = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/**
 * No answer at all: a streamed request's response headers did not come within `ms`. The API sends them as soon as
 * it takes the request, so this is a gateway or connection that hangs, where the SDK would wait 10 minutes a try.
 */
export class NoAnswer extends Error {
  override name = "NoAnswer";
  /** "sent no answer for 180 s" */
  readonly quiet: string;
  constructor(ms: number) {
    const quiet = `sent no answer for ${quietFor(ms)}`;
    super(`the Messages API ${quiet} (not even its response headers)`);
    this.quiet = quiet;
  }
}

/** The reply stalled: nothing arrived for `ms`. */
export class StreamStalled extends Error {
  override name = "StreamStalled";
  /** "sent nothing for 180 s" */
  readonly quiet: string;
  constructor(ms: number) {
    const quiet = `sent nothing for ${quietFor(ms)}`;
    super(`the Messages API ${quiet} in the middle of its reply; try again`);
    this.quiet = quiet;
  }
}

/** A watchdog for one streamed reply: `reset` on each sign of life; `signal` aborts after `ms` without one. */
export function idleWatch(ms: number): { signal: AbortSignal; reset: () => void; stop: () => void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  return {
    signal: controller.signal,
    reset: () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new StreamStalled(ms)), ms);
    },
    stop: () => clearTimeout(timer),
  };
}
