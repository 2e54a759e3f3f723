import type { Client, Transport } from "@modelcontextprotocol/client";
import type { ServerSpec } from "./config.js";
import { LOG_LINES_PER_WINDOW, LOG_WINDOW_MS, logLimiter } from "./log-limit.js";
import type { ClientHooks, Negotiation } from "./mcp-client.js";
import type { PoolOptions } from "./pool-options.js";
import type { ProcessTransport } from "./process-transport.js";
import type { ServerTool } from "./tool-listing.js";
import { stdioTransport } from "./transports.js";
import type { UnmatchedAnswers } from "./unmatched-answers.js";

/** One server of the pool: its spec, connection, state, tool list and restart count. */
export interface ServerHandle {
  spec: ServerSpec;
  client: Client | undefined;
  transport: ProcessTransport | Transport | undefined;
  state: "starting" | "up" | "dead" | "failed";
  tools: ServerTool[];
  instructions: string | undefined;
  restarts: number;
  restarting: Promise<void> | undefined;
  lastExit: string | undefined;
  /** Why the last call could not use the server's OAuth login (cleared by a call that could): it is up, but unusable. */
  loginLost?: string | undefined;
  /** A built-in server starts from its startup snapshot until a start from it fails. */
  fromSnapshot: boolean;
  /** A tools/list refresh under way after a change signal. */
  refreshing: Promise<void> | undefined;
  /** A refresh queued behind it and not yet begun: later signals join it (tool-refresh.ts). */
  refreshQueued?: { quietIfSame: boolean } | undefined;
  /** Our own servers are pinned to 2026-07-28; others negotiate, or, if the probe ended them, get 2025 only. */
  negotiation: Negotiation;
  /** Tool calls in flight, and a signal aborted when the last of them ends (beginCall). */
  calls: { count: number; ended: AbortController };
  /** Answers it sent that no call was waiting for, over all its connections (set once it first connects). */
  unmatched?: UnmatchedAnswers | undefined;
}

/** A handle for a server about to start: no transport yet, built-ins pinned to the 2026-07-28 era. */
export function newHandle(spec: ServerSpec): ServerHandle {
  return {
    spec,
    client: undefined,
    transport: undefined,
    state: "starting",
    tools: [],
    instructions: undefined,
    restarts: 0,
    restarting: undefined,
    lastExit: undefined,
    fromSnapshot: true,
    refreshing: undefined,
    negotiation: spec.builtin ? "pinned" : "auto",
    calls: { count: 0, ended: new AbortController() },
  };
}

/** Count a tool call in flight; the returned function ends it. When the last one ends, the questions asked meanwhile are stale. */
export function beginCall(handle: ServerHandle): () => void {
  handle.calls.count++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    if (--handle.calls.count > 0) return;
    handle.calls.ended.abort();
    handle.calls.ended = new AbortController();
  };
}

/** While calls are in flight, aborted when the last ends: what a question asked now is for. Undefined between calls. */
export function callsSignal(handle: ServerHandle): AbortSignal | undefined {
  return handle.calls.count > 0 ? handle.calls.ended.signal : undefined;
}

/** Is this server started from its startup snapshot (a built-in with one, not yet fallen back to its bin)? */
export function startsFromSnapshot(handle: ServerHandle): boolean {
  return handle.fromSnapshot && handle.spec.kind === "stdio" && handle.spec.snapshotArgs !== undefined;
}

/** A new, unspawned process transport for a stdio server (from its snapshot while it may); none for HTTP. */
export function processTransport(handle: ServerHandle, options: PoolOptions): ProcessTransport | undefined {
  const { spec } = handle;
  if (spec.kind !== "stdio") return undefined;
  return stdioTransport(spec, options.env, (line) => options.onStderr?.(spec.name, line), handle.fromSnapshot);
}

/** The client hooks of one server: the host's, told which server asks, and list changes reported. */
export function clientHooks(handle: ServerHandle, options: PoolOptions, onToolsChanged: () => void): ClientHooks {
  const host = options.host;
  const server = handle.spec.name;
  const sample = host?.sample;
  const elicit = host?.elicit;
  // A server signalling in a loop would bury the transcript: its lines are held to a log line's budget.
  const limitChanges = logLimiter();
  return {
    elicit: elicit && ((params) => elicit(server, params, callsSignal(handle))),
    sample: sample && ((params) => sample(server, params)),
    roots: host?.roots ?? [],
    onLog: (level, data, logger) => host?.onLog(server, level, data, logger),
    onListChanged: (list) => {
      if (list === "tools") return onToolsChanged();
      const verdict = limitChanges(server);
      if (verdict === "show") options.onNotice?.(`${server}: resources changed`);
      if (verdict === "hold-from-here") {
        options.onNotice?.(
          `${server}: resources changed more than ${LOG_LINES_PER_WINDOW} times in ${LOG_WINDOW_MS / 1000} s; the rest of those changes are not shown`,
        );
      }
    },
  };
}
