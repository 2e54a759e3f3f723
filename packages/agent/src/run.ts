import { mkdirSync } from "node:fs";
import type { Writable } from "node:stream";
import { packageVersion, UsageError } from "@mcp-toolkit/core";
import { createClient, preconnect } from "./api.js";
import { AuditLog } from "./audit.js";
import { type AgentConfig, fencedServers } from "./config.js";
import { EXIT, Interrupted } from "./errors.js";
import { preflight, unbuiltServers } from "./launch.js";
import { listTools } from "./list-tools.js";
import type { ProcessTransport } from "./process-transport.js";
import { systemPrompt } from "./prompt.js";
import { terminalPrompts } from "./prompts.js";
import { JsonRenderer, type Renderer, TerminalRenderer } from "./render.js";
import { ServerPool } from "./servers.js";
import { Session } from "./session.js";
import { formatSummary, RunStats } from "./summary.js";
import { startAgentTracing, traceRun } from "./telemetry.js";
import { printable, printableJson } from "./terminal-text.js";
import { ToolCatalog, ToolRunner } from "./tools.js";

export { EXIT, Interrupted } from "./errors.js";

/** The streams and environment a run uses (tests pass their own). */
export interface RunIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: Record<string, string | undefined>;
  /** Aborted on the first Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** Lets the signal handler force-kill children on a second Ctrl-C. */
  onPool?: (pool: ServerPool) => void;
  /** Stdio servers the caller already spawned (launch.ts spawnServers); the rest are spawned here. */
  spawned?: ReadonlyMap<string, ProcessTransport>;
}

/** Run the agent with a resolved configuration; returns the exit code. */
export async function run(config: AgentConfig, mode: { listTools: boolean }, io: RunIO): Promise<number> {
  preflight(config, mode.listTools, io.stdin.isTTY === true);
  const traces = await startAgentTracing(io.env, packageVersion(import.meta.url));
  // The built-in servers expect their workspace to exist.
  if (config.servers.some((s) => s.builtin)) mkdirSync(config.workspace, { recursive: true });
  const renderer: Renderer = config.json
    ? new JsonRenderer(io.stderr)
    : new TerminalRenderer(io.stdout, io.stderr, io.stdout.isTTY === true && !io.env.NO_COLOR);
  const stats = new RunStats();
  const pool = new ServerPool({
    startupTimeoutMs: config.startupTimeoutMs,
    env: io.env,
    onStderr: config.verbose ? (server, line) => io.stderr.write(`[${server}] ${printable(line)}\n`) : undefined,
    onNotice: (message) => renderer.notice(message),
    onReady: config.verbose
      ? (server, tools, ms, fromSnapshot) =>
          io.stderr.write(
            `[${server}] ${tools} tools, ready in ${Math.round(ms)} ms${fromSnapshot ? " (from its startup snapshot)" : ""}\n`,
          )
      : undefined,
    breaker: {
      onChange: (server, change, failures, cooldownMs) => {
        if (change !== "closed") stats.addBreaker(server, "opened");
        renderer.notice(
          change === "closed"
            ? `${server} answered the probe call: its calls go through again`
            : `${server} is unavailable (${failures} failures in a row): its calls fail fast for ${cooldownMs / 1000} s, then one probe call is let through`,
        );
      },
      onReject: (server) => stats.addBreaker(server, "refused"),
    },
  });
  io.onPool?.(pool);
  // Load the API client while the servers boot.
  const sdk = mode.listTools ? undefined : import("@anthropic-ai/sdk");
  sdk?.catch(() => {});
  const prompts = terminalPrompts(io);
  let audit: AuditLog | undefined;
  try {
    // A built-in server whose bin is missing gets a hint that says what to do.
    const unbuilt = unbuiltServers(config);
    const starting = pool.start(
      config.servers.filter((s) => !unbuilt.includes(s)),
      io.spawned,
    );
    // Node's fetch stack (~50-100 ms to load) and the TLS handshake happen while the servers boot.
    if (!mode.listTools) preconnect(config.baseURL);
    const failures = [
      ...unbuilt.map((s) => ({
        server: s.name,
        line: `server "${s.name}" is not built (${s.kind === "stdio" ? s.args[0] : ""} is missing): run pnpm build`,
      })),
      ...(await starting),
    ];
    if (io.signal.aborted) throw new Interrupted(EXIT.interrupted);
    for (const f of failures) renderer.notice(f.line);
    if (failures.length > 0 && config.strict) {
      throw new UsageError(`--strict: ${failures.length} server(s) failed to start`);
    }
    const catalog = new ToolCatalog(
      pool.tools,
      { readOnly: config.readOnly, ask: config.ask },
      {
        builtin: new Set(config.servers.filter((s) => s.builtin).map((s) => s.name)),
        toolSearch: config.toolSearch,
        fenced: fencedServers(config),
      },
    );
    if (catalog.withheld.length > 0) {
      const hint = catalog.withheld.some((name) => name.startsWith("api__") && !fencedServers(config).has("api"))
        ? "; --allow-hosts HOST,… offers the api server's tools for those hosts only"
        : "";
      renderer.notice(
        `--read-only: ${catalog.withheld.join(", ")} not offered: they can send data off this machine${hint}`,
      );
    }
    if (mode.listTools) {
      listTools(catalog, io.stdout, config.json);
      return EXIT.ok;
    }

    audit = new AuditLog(config.auditFile, (m) => renderer.notice(m));
    const client = await createClient(config, renderer, stats);
    const runner = new ToolRunner({
      catalog,
      pool,
      renderer,
      stats,
      audit,
      confirm: config.ask ? prompts.confirm : undefined,
      toolTimeoutMs: config.toolTimeoutMs,
      outputBudgetTokens: config.outputBudgetTokens,
    });
    const deps = {
      client,
      catalog,
      runner,
      renderer,
      stats,
      system: systemPrompt(pool.running, { readOnly: config.readOnly, toolSearch: catalog.usesToolSearch }),
      model: config.model,
      maxTokens: config.maxTokens,
      maxTurns: config.maxTurns,
      thinking: config.thinking,
      stream: !config.json,
      signal: io.signal,
    };

    const session = new Session(deps, config.verbose);
    let code: number = EXIT.ok;
    if (config.task !== undefined) {
      const task = config.task;
      code = await traceRun(config.model, () => session.ask(task));
    } else {
      io.stderr.write(
        `mcp-agent: ${catalog.entries.length} tools from ${pool.running.map((s) => s.name).join(", ")}; empty line or Ctrl-D to quit\n`,
      );
      for (;;) {
        const line = await prompts.nextLine("\n> ");
        if (line === undefined || !line.trim() || /^(exit|quit)$/i.test(line.trim())) break;
        code = await traceRun(config.model, () => session.ask(line));
      }
    }
    await audit.flush();
    if (config.json) {
      const transcript = (renderer as JsonRenderer).events;
      io.stdout.write(
        `${printableJson({ ok: code === 0, exitCode: code, result: session.result, error: session.reason, transcript, summary: stats.toJSON(config.model), failures }, 2)}\n`,
      );
    } else {
      // Tool names in it are the model's, including ones it made up.
      io.stderr.write(`${printable(formatSummary(stats, config.model))}\n`);
    }
    return code;
  } finally {
    prompts.close();
    await pool.close();
    await audit?.flush();
    // After the servers have stopped (and flushed theirs): the agent's spans, on every exit, Ctrl-C included.
    await traces.shutdown();
  }
}
