import { breakerLabel, breakerNotice } from "./breaker.js";
import type { AgentConfig } from "./config.js";
import type { ApiHolder, StartFailure } from "./converse.js";
import { EXIT, Interrupted, StrictStartFailed } from "./errors.js";
import { canAsk, hostHooks } from "./host.js";
import { unbuiltServers } from "./launch.js";
import type { terminalPrompts } from "./prompts.js";
import type { Renderer } from "./render.js";
import type { RunIO } from "./run.js";
import { ServerPool } from "./servers.js";
import { SLOW_START_MS, slowStartLine } from "./slow-start.js";
import type { RunStats } from "./summary.js";
import { printable, terminalStyle } from "./terminal-text.js";

/** The pool of servers, wired to the transcript, the summary and the terminal (questions, logs, the breaker). */
export function openPool(
  config: AgentConfig,
  io: RunIO,
  parts: { renderer: Renderer; stats: RunStats; prompts: ReturnType<typeof terminalPrompts>; api: ApiHolder },
): ServerPool {
  const { renderer, stats, prompts, api } = parts;
  return new ServerPool({
    host: hostHooks({
      config,
      renderer,
      stats,
      stderr: io.stderr,
      ask: canAsk(config.json, io.env, io.stdin.isTTY === true) ? prompts.ask : undefined,
      exclusive: prompts.exclusive,
      client: () => api.client,
      color: terminalStyle((io.stderr as { isTTY?: boolean }).isTTY === true, io.env).color,
    }),
    startupTimeoutMs: config.startupTimeoutMs,
    env: io.env,
    onStderr: config.verbose ? (server, line) => io.stderr.write(`[${server}] ${printable(line)}\n`) : undefined,
    onNotice: (message) => renderer.notice(message),
    onReady: config.verbose
      ? (server, ready) =>
          io.stderr.write(
            `[${server}] ${ready.tools} tools, ready in ${Math.round(ready.ms)} ms${ready.fromSnapshot ? " (from its startup snapshot)" : ""}; protocol ${ready.protocolVersion ?? "?"} (${ready.era} era)\n`,
          )
      : undefined,
    breaker: {
      onChange: (server, change, failures, cooldownMs, tool) => {
        if (change !== "closed") stats.addBreaker(breakerLabel(server, tool), "opened");
        renderer.notice(breakerNotice(server, tool, change, failures, cooldownMs));
      },
      onReject: (server, tool) => stats.addBreaker(breakerLabel(server, tool), "refused"),
    },
  });
}

/** Start the servers and report those that failed; with --strict, any failure ends the run. */
export async function startServers(
  config: AgentConfig,
  pool: ServerPool,
  renderer: Renderer,
  io: RunIO,
): Promise<StartFailure[]> {
  // A built-in server whose bin is missing gets a hint that says what to do.
  const unbuilt = unbuiltServers(config);
  const starting = pool.start(
    config.servers.filter((s) => !unbuilt.includes(s)),
    io.spawned,
  );
  const slow = setTimeout(() => {
    const line = slowStartLine(pool.status(), SLOW_START_MS, config.startupTimeoutMs);
    if (line) renderer.notice(line);
  }, SLOW_START_MS);
  const started = await unlessAborted(starting, io.signal).finally(() => clearTimeout(slow));
  const failures = [
    ...unbuilt.map((s) => ({
      server: s.name,
      line: `server "${s.name}" is not built (${s.kind === "stdio" ? s.args[0] : ""} is missing): run pnpm build`,
    })),
    ...(config.unsetServers ?? []),
    ...started,
  ];
  for (const f of failures) renderer.notice(f.line);
  if (failures.length > 0 && config.strict) {
    throw new StrictStartFailed(failures);
  }
  return failures;
}

/** `promise`, or Interrupted as soon as `signal` aborts: Ctrl-C does not wait out a hung server's start-up timeout. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const stop = () => reject(new Interrupted(EXIT.interrupted));
    if (signal.aborted) stop();
    signal.addEventListener("abort", stop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
  });
}
