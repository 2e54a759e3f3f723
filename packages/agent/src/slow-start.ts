import type { ServerStatus } from "./server-status.js";

/** How long the servers may take to start before the agent says which it is waiting for. */
export const SLOW_START_MS = 3000;

/**
 * The line that says which servers are still starting after `waitedMs` (a first `npx -y` downloads its server, a
 * server may load for seconds), so a slow start is not a silent terminal; undefined when none is. Pure.
 */
export function slowStartLine(
  statuses: readonly Pick<ServerStatus, "name" | "state">[],
  waitedMs: number,
  startupTimeoutMs: number,
): string | undefined {
  const waiting = statuses.filter((s) => s.state === "starting").map((s) => `"${s.name}"`);
  if (waiting.length === 0) return undefined;
  const who = waiting.length === 1 ? `server ${waiting[0]}` : `servers ${waiting.join(", ")}`;
  return `waiting for ${who} to start (${waitedMs / 1000} s so far; one not up at ${startupTimeoutMs / 1000} s, --startup-timeout, is left out)`;
}
