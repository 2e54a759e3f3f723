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

/**
 * What to do about a request over the size limits (HTTP's 413, stdio's longest message): "send less per request",
 * with how in the server's own terms (its factory's largeRequestAdvice) when it has them.
 */
export function sendLess(advice?: string): string {
  return `send less per request${advice ? ` (${advice})` : ""}`;
}

/**
 * Deepest nesting of arrays and objects a request body may have. The SDK's HTTP adapter serializes the parsed body
 * again, recursively: a body nested thousands deep overflowed the stack and was answered 500. No MCP message needs
 * more than a few levels.
 */
export const MAX_JSON_DEPTH = 256;

/** Bounds on stateful (2025-era) sessions. */
export interface SessionLimits {
  /** A session with no request for this long is closed; its client must initialize again. */
  idleMs: number;
  /** New sessions are refused (503) while this many are open. */
  maxSessions: number;
  /**
   * New sessions of one caller (for a shared token: one address) are refused (429) while it has this many open, so
   * one caller cannot take every session.
   */
  maxSessionsPerCaller: number;
}

export const SESSION_DEFAULTS: SessionLimits = { idleMs: 30 * 60 * 1000, maxSessions: 100, maxSessionsPerCaller: 10 };

/**
 * Most connections one client address may hold open to an HTTP endpoint at once (a reverse proxy named by
 * --trust-proxy is not counted). Far above what one client needs: a call or a listen stream takes one each.
 */
export const MAX_CONNECTIONS_PER_ADDRESS = 256;
