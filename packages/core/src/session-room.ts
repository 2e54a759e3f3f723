// Room for a new 2025 session (sessions.ts). The SDK clients (v1 and v2) do not end their session when they close, so
// a run of short-lived clients leaves sessions nobody will use again: at --max-sessions, or at a caller's
// --max-sessions-per-caller, the session idle longest (of the caller's own, at its cap) is closed for the new one once
// idle a minute; else the new one is refused, saying when to try again. Pure: sessions.ts keeps the table and closes.
import type { SessionLimits } from "./http-options.js";
import type { SettingNames } from "./setting-names.js";

/** How long a session must have been idle to be closed for a new one at a cap. */
export const MAKE_ROOM_IDLE_MS = 60_000;

/** What the choice needs of an open session. */
export interface Occupant {
  /** Whom it counts against (holderOf). */
  holder: string;
  /** Requests (or open GET streams) in progress: a busy session is never idle. */
  active: number;
  lastSeen: number;
}

/**
 * The session to close for a new one: the longest idle with nothing in progress, among `holder`'s (or all), if idle
 * a minute or more at `now`; none otherwise.
 */
export function roomFor<T extends Occupant>(
  sessions: Iterable<[string, T]>,
  now: number,
  holder?: string,
): [string, T] | undefined {
  let oldest: [string, T] | undefined;
  for (const entry of sessions) {
    if (holder !== undefined && entry[1].holder !== holder) continue;
    if (entry[1].active === 0 && (!oldest || entry[1].lastSeen < oldest[1].lastSeen)) oldest = entry;
  }
  return oldest && now - oldest[1].lastSeen >= MAKE_ROOM_IDLE_MS ? oldest : undefined;
}

/**
 * The refusal of a new session: 429 for a caller at its own cap with `held` open, 503 at the server's. Either way an
 * idle session is gone within one idle time, or makes room once idle a minute: Retry-After says the sooner.
 */
export function noRoom(
  limits: SessionLimits,
  names: SettingNames,
  held?: number,
): { status: number; message: string; retryAfterS: number } {
  const idleS = Math.max(1, Math.ceil(limits.idleMs / 1000));
  const retryAfterS = Math.min(idleS, MAKE_ROOM_IDLE_MS / 1000);
  if (held !== undefined) {
    return {
      status: 429,
      retryAfterS,
      message: `Too many sessions: this caller has ${held} open, the most one caller may (${names("maxSessionsPerCaller", String(limits.maxSessionsPerCaller))}); end one it no longer uses (DELETE), or wait: one idle ${MAKE_ROOM_IDLE_MS / 1000} s makes room, and idle ones close after ${idleS} s`,
    };
  }
  const open = limits.maxSessions;
  return {
    status: 503,
    retryAfterS,
    message: `Too many sessions: ${open} ${open === 1 ? "is" : "are"} open, none idle ${MAKE_ROOM_IDLE_MS / 1000} s or more (${names("maxSessions", String(open))}); one idle that long makes room, and idle ones close after ${idleS} s`,
  };
}
