import type { Negotiation } from "./mcp-client.js";

/** How often a server that died is restarted in one run before its tools are given up. */
export const MAX_RESTARTS = 3;

/** What a server given up has come to, after the words for how it stopped. */
export const GIVEN_UP = `restarted ${MAX_RESTARTS} times already, so it will not be restarted again: its tools are unavailable for this run`;

/** Whether a server restarted `restarts` times is given up for the rest of the run. */
export function restartsUsedUp(restarts: number): boolean {
  return restarts >= MAX_RESTARTS;
}

/** What happens next to a server that stopped during a call, after `restarts` restarts: words for the model. */
export function afterStop(restarts: number): string {
  return restartsUsedUp(restarts)
    ? `it was ${GIVEN_UP}`
    : "it will be restarted on the next call, so retrying may work";
}

/** Where a server stands when a call wants its client. */
export interface ServerStanding {
  state: "starting" | "up" | "dead" | "failed";
  /** A restart is already under way. */
  restarting: boolean;
  restarts: number;
  /** How it last ended, in words. */
  lastExit: string | undefined;
  /** The pool is closing. */
  closing: boolean;
}

/** What a call does with its server: use it as it is, restart it first, or refuse in words for the model. */
export type RestartVerdict = { action: "use" } | { action: "restart" } | { action: "refuse"; reason: string };

/** Decide whether a dead server is restarted for a call: not while closing, and not past MAX_RESTARTS. */
export function restartVerdict(server: string, standing: ServerStanding): RestartVerdict {
  if (standing.state !== "dead" && !standing.restarting) return { action: "use" };
  if (standing.closing) return { action: "refuse", reason: `server "${server}" is shutting down` };
  if (restartsUsedUp(standing.restarts) && !standing.restarting) {
    return {
      action: "refuse",
      reason: `server "${server}" stopped (${standing.lastExit ?? "unknown"}) and was ${GIVEN_UP}`,
    };
  }
  return { action: "restart" };
}

/** How a start that failed went: what the process and the pool know about it. */
export interface FailedStart {
  /** It was started from its startup snapshot. */
  fromSnapshot: boolean;
  /** Its exit says Node refused the snapshot (snapshot.ts). */
  snapshotRefused: boolean;
  /** Its process has exited. */
  exited: boolean;
  negotiation: Negotiation;
}

/**
 * Whether a failed start is tried once more: from the plain bin when Node refused the snapshot, or greeted the 2025
 * way only when a negotiating server's process exited (some exit on any request before initialize, the probe
 * included). Undefined: report the failure.
 */
export function startRetry(failed: FailedStart): "bin" | "legacy" | undefined {
  if (failed.fromSnapshot && failed.snapshotRefused) return "bin";
  if (failed.exited && failed.negotiation === "auto") return "legacy";
  return undefined;
}
