import type { Client, Transport } from "@modelcontextprotocol/client";
import type { ServerSpec } from "./config.js";
import type { ClientHooks, Negotiation, ServerTool } from "./mcp-client.js";
import type { PoolOptions } from "./pool-options.js";
import type { ProcessTransport } from "./process-transport.js";
import { stdioTransport } from "./transports.js";

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
  /** Our own servers are pinned to 2026-07-28; others negotiate, or, if the probe ended them, get 2025 only. */
  negotiation: Negotiation;
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
  };
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
  return {
    elicit: (params) => host?.elicit(server, params) ?? Promise.resolve({ action: "decline" }),
    sample: sample && ((params) => sample(server, params)),
    roots: host?.roots ?? [],
    onLog: (level, data, logger) => host?.onLog(server, level, data, logger),
    onListChanged: (list) => {
      if (list === "tools") onToolsChanged();
      else options.onNotice?.(`${server}: resources changed`);
    },
  };
}
