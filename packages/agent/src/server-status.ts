import { plural } from "@mcp-toolkit/core";
import { type BreakerState, secondsUntilRetry } from "./breaker.js";
import { oneLine } from "./one-line.js";
import { ProcessTransport } from "./process-transport.js";
import { GIVEN_UP, MAX_RESTARTS, restartsUsedUp } from "./restart-policy.js";
import { describeCommand } from "./server-errors.js";
import { type ServerHandle, startsFromSnapshot } from "./server-handle.js";
import { launchArgs } from "./transports.js";

/** Where one server of the run stands, for `/servers`: read from the pool, worded by statusText. */
export interface ServerStatus {
  name: string;
  builtin: boolean;
  /** `stdio` or `http`, and what it runs or reaches. */
  kind: "stdio" | "http";
  target: string;
  state: "starting" | "up" | "dead" | "failed";
  tools: number;
  restarts: number;
  pid: number | undefined;
  protocolVersion: string | undefined;
  /** How it last ended (dead), or why it could not start (failed). */
  why: string | undefined;
  /** Why its last call could not use its OAuth login: up, but its calls fail until that is mended. */
  loginLost?: string | undefined;
  breaker: BreakerState;
  /** Its tools whose own breaker (timeouts) is not closed. */
  toolBreakers?: [tool: string, state: BreakerState][] | undefined;
}

/**
 * A server's status from its handle and its breaker's state; the target as describeCommand words it, so the value
 * after a secret-named flag (`--api-key X`) is redacted as well as secret-looking text.
 */
export function serverStatus(
  handle: ServerHandle,
  breaker: BreakerState,
  toolBreakers: [tool: string, state: BreakerState][] = [],
): ServerStatus {
  const { spec } = handle;
  return {
    name: spec.name,
    builtin: spec.builtin,
    kind: spec.kind,
    // The command line the process was started with: from its snapshot, it is not the bin's.
    target: describeCommand(
      spec.kind === "stdio" ? { ...spec, args: launchArgs(spec, startsFromSnapshot(handle)) } : spec,
    ),
    state: handle.state,
    tools: handle.tools.length,
    restarts: handle.restarts,
    pid: handle.transport instanceof ProcessTransport && handle.state === "up" ? handle.transport.pid : undefined,
    protocolVersion: handle.client?.getNegotiatedProtocolVersion(),
    why: handle.lastExit,
    loginLost: handle.loginLost,
    breaker,
    toolBreakers,
  };
}

/** `/servers`: one line per server, what it runs, whether its tools can be called, and what happens next if not. */
export function statusText(servers: readonly ServerStatus[], now: number): string {
  const up = servers.filter((s) => s.state === "up" && s.loginLost === undefined).length;
  const lines = [`Servers: ${up} of ${servers.length} up`];
  for (const server of servers) lines.push(`  ${server.name}: ${stateLine(server, now)}`, `    ${detailLine(server)}`);
  return `${lines.join("\n")}\n`;
}

/** What a call to this server's tools would meet now. */
function stateLine(server: ServerStatus, now: number): string {
  const why = server.why ? ` (${oneLine(server.why, 200)})` : "";
  if (server.state === "failed") return `could not start${why}; its tools are not offered this run`;
  if (server.state === "starting") return "starting";
  if (server.state === "dead") {
    return restartsUsedUp(server.restarts)
      ? `stopped${why}, ${GIVEN_UP}`
      : `stopped${why}; restarted on the next call to one of its tools (restart ${server.restarts + 1} of ${MAX_RESTARTS})`;
  }
  if (server.loginLost !== undefined)
    return `connected, but its login cannot be used: ${oneLine(server.loginLost, 400)}`;
  const { breaker } = server;
  if (breaker.phase === "open") {
    const wait = secondsUntilRetry(breaker, now);
    return `up, but its calls fail fast after ${plural(breaker.failures, "failure")} in a row; tried again in ${wait} s`;
  }
  if (breaker.phase === "probing") return "up, a probe call is testing it after failures";
  const restarted = server.restarts > 0 ? ` (restarted ${server.restarts} of ${MAX_RESTARTS} times)` : "";
  // Failures short of opening the breaker (a remote server gone, refusing connections) are said, not hidden by "up".
  const last = breaker.failures === 1 ? "last call" : `last ${breaker.failures} calls`;
  const failing = breaker.failures > 0 ? `; its ${last} failed without an answer` : "";
  return `up, ${plural(server.tools, "tool")}${restarted}${failing}${slowTools(server, now)}`;
}

/** Its tools failing fast after timeouts: "; tool "slow" fails fast after 5 timeouts, tried again in 12 s". */
function slowTools(server: ServerStatus, now: number): string {
  return (server.toolBreakers ?? [])
    .map(([tool, state]) => {
      const when =
        state.phase === "open" ? `tried again in ${secondsUntilRetry(state, now)} s` : "a probe call is under way";
      return `; tool "${tool}" fails fast after ${plural(state.failures, "timeout")} in a row, ${when}`;
    })
    .join("");
}

/** What it is: transport, command or URL, process, protocol. */
function detailLine(server: ServerStatus): string {
  const parts = [`${server.builtin ? "built-in, " : ""}${server.kind}: ${oneLine(server.target, 120)}`];
  if (server.pid !== undefined) parts.push(`pid ${server.pid}`);
  if (server.protocolVersion) parts.push(`protocol ${server.protocolVersion}`);
  return parts.join(" · ");
}
