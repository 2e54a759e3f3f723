// A server that logs in a loop (a warning per request, a retry storm) would bury the transcript and the prompt: each
// server gets a budget of shown log lines per window, and one line says when the rest of a window is held back.

/** Log lines shown per server in one window. */
export const LOG_LINES_PER_WINDOW = 20;
/** The window, in milliseconds. */
export const LOG_WINDOW_MS = 10_000;

/** What to do with one log message: show it, say that the rest of this window is held back, or drop it. */
export type LogVerdict = "show" | "hold-from-here" | "held";

/** A per-server budget of log lines: `limit` per `windowMs`, each window starting at its first message. */
export function logLimiter(
  limit = LOG_LINES_PER_WINDOW,
  windowMs = LOG_WINDOW_MS,
  now: () => number = Date.now,
): (server: string) => LogVerdict {
  const windows = new Map<string, { start: number; count: number }>();
  return (server) => {
    const t = now();
    let window = windows.get(server);
    if (!window || t - window.start >= windowMs) {
      window = { start: t, count: 0 };
      windows.set(server, window);
    }
    window.count++;
    if (window.count <= limit) return "show";
    return window.count === limit + 1 ? "hold-from-here" : "held";
  };
}
