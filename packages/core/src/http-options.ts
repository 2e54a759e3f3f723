// Limits of the HTTP mode, in a module of its own: the CLI quotes them in --help, and must not load the HTTP stack
// (node:http, the SDK's Node adapter) to do so.

/** Largest request body accepted, in bytes. */
export const MAX_HTTP_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Most JSON-RPC messages one HTTP request may carry (2025-03-26 clients may batch; later revisions do not): every
 * call in a batch runs at once, so the batch size bounds the work one request can start.
 */
export const MAX_BATCH_MESSAGES = 16;

/** Why a batch of `count` messages is refused, over HTTP or stdio: "a batch may carry at most 16 messages, …". */
export function batchLimitReason(count: number): string {
  return `a batch may carry at most ${MAX_BATCH_MESSAGES} messages, this one has ${count}`;
}

/** Bounds on stateful (2025-era) sessions. */
export interface SessionLimits {
  /** A session with no request for this long is closed; its client must initialize again. */
  idleMs: number;
  /** New sessions are refused (503) while this many are open. */
  maxSessions: number;
}

export const SESSION_DEFAULTS: SessionLimits = { idleMs: 30 * 60 * 1000, maxSessions: 100 };
