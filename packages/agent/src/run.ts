import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { flushTelemetry, packageVersion } from "@mcp-toolkit/core";
import { lookUpModel } from "./api.js";
import { AuditLog } from "./audit.js";
import type { AgentConfig } from "./config.js";
import { type ApiHolder, converse } from "./converse.js";
import { EXIT } from "./errors.js";
import { JsonRenderer } from "./json-renderer.js";
import { preflight, prepareWorkspace } from "./launch.js";
import { listTools } from "./list-tools.js";
import { offeredTools } from "./offered-tools.js";
import type { PipedInput } from "./piped-input.js";
import type { ProcessTransport } from "./process-transport.js";
import { terminalPrompts } from "./prompts.js";
import { type Renderer, TerminalRenderer } from "./render.js";
import { openPool, startServers } from "./run-servers.js";
import { listPrompts, type ServerPrompt } from "./server-prompts.js";
import { listResources, listResourceTemplates } from "./server-resources.js";
import type { ServerPool } from "./servers.js";
import { completer } from "./slash.js";
import { RunStats } from "./summary.js";
import { startAgentMetrics, startAgentTracing, traceStartup } from "./telemetry.js";
import { printable, terminalStyle } from "./terminal-text.js";

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
  /**
   * Stdio servers the caller already spawned (launch.ts spawnServers), after its own preflight; the rest are
   * spawned here. Without it, run checks preflight and makes the workspace itself.
   */
  spawned?: ReadonlyMap<string, ProcessTransport>;
  /** What was piped to stdin with a task (piped-input.ts): attached to it as context. */
  pipedInput?: Promise<PipedInput>;
}

/** Run the agent with a resolved configuration; returns the exit code. */
export async function run(config: AgentConfig, mode: { listTools: boolean }, io: RunIO): Promise<number> {
  // The CLI checks and spawns before this module loads (launch.ts); a library caller that spawned nothing has not.
  if (io.spawned === undefined) prepare(config, mode.listTools, io);
  // A collector that is down or slow is said once; it never fails a run whose work is done.
  const warn = (line: string) => void io.stderr.write(`mcp-agent: ${printable(line)}\n`);
  const traces = await startAgentTracing(io.env, packageVersion(import.meta.url), warn);
  const figures = await startAgentMetrics(io.env, packageVersion(import.meta.url), warn);
  const stats = new RunStats();
  const api: ApiHolder = {};
  // Prompts are listed once, when first needed (/help, a /server:prompt line, Tab): a task run never asks.
  let listed: Promise<ServerPrompt[]> | undefined;
  const serverPrompts = () => {
    listed ??= listPrompts(pool, config.toolTimeoutMs, (line) => renderer.notice(line));
    return listed;
  };
  const prompts = terminalPrompts(
    io,
    (line) => completer(pool, serverPrompts, config.toolTimeoutMs)(line),
    (asking) => renderer.asking(asking),
  );
  // Notices, server logs and the results of calls running in parallel can come while the prompt or a question
  // waits: they are written above it, not into it. stdout is the same terminal only when it is one.
  const stderr = aboveThePrompt(io.stderr, prompts.above);
  const stdout = io.stdout.isTTY === true ? aboveThePrompt(io.stdout, (t) => prompts.above(t, io.stdout)) : io.stdout;
  const renderer = transcript(config, stdout, stderr, io.env);
  const pool = openPool(config, { ...io, stderr }, { renderer, stats, prompts, api });
  io.onPool?.(pool);
  // Load the API client while the servers boot.
  const sdk = mode.listTools ? undefined : import("@anthropic-ai/sdk");
  sdk?.catch(() => {});
  // The model's context window and lifecycle, and the connection the first request reuses, while the servers boot.
  const modelFacts = sdk && lookUpModel(config, sdk);
  let audit: AuditLog | undefined;
  const runId = randomUUID();
  try {
    // The start-up is one trace of its own (telemetry.ts): with --list-tools, the lists it asks for are in it.
    const started = await traceStartup(
      config.model,
      async () => {
        const failures = await startServers(config, pool, renderer, io);
        const catalog = offeredTools(config, pool, renderer);
        if (!mode.listTools) return { failures, catalog };
        const [listing, templates, listedPrompts] = await Promise.all([
          listResources(pool, undefined, config.toolTimeoutMs),
          listResourceTemplates(pool, pool.offering("resources"), config.toolTimeoutMs),
          serverPrompts(),
        ]);
        for (const problem of listing.problems) renderer.notice(problem);
        listTools(catalog, io.stdout, config.json, { resources: listing.resources, templates, prompts: listedPrompts });
        return undefined;
      },
      runId,
    );
    if (!started) return EXIT.ok;
    const { failures, catalog } = started;
    audit = new AuditLog(config.auditFile, (m) => renderer.notice(m), runId);
    return await converse(config, io, {
      pool,
      catalog,
      renderer,
      stats,
      prompts,
      audit,
      api,
      serverPrompts,
      failures,
      modelFacts,
      runId,
    });
  } finally {
    prompts.close();
    // The agent's last spans and metrics, on every exit, Ctrl-C included, go out while the servers stop and flush
    // theirs: every span has ended by now (a call a signal stopped ended then), and a collector that never answers
    // holds the exit TELEMETRY_FLUSH_MS once, not once for the servers and again for the agent. It never changes the
    // exit code.
    const flushed = flushTelemetry(
      { spans: () => traces.shutdown(), metrics: () => figures.shutdown() },
      io.env,
      "mcp-agent",
    );
    await pool.close();
    await audit?.flush();
    const undelivered = await flushed;
    if (undelivered) warn(undelivered);
  }
}

/** What must hold before any server starts (launch.ts), and the workspace the built-in servers expect. */
function prepare(config: AgentConfig, listTools: boolean, io: RunIO): void {
  preflight(config, listTools, io.stdin.isTTY === true);
  prepareWorkspace(config, (line) => io.stderr.write(`mcp-agent: ${printable(line)}\n`));
}

/** The --json event list, or the readable transcript, in colour on a terminal without NO_COLOR or TERM=dumb. */
function transcript(config: AgentConfig, stdout: RunIO["stdout"], stderr: Writable, env: RunIO["env"]): Renderer {
  if (config.json) return new JsonRenderer(stderr);
  const { color, live } = terminalStyle(stdout.isTTY === true, env);
  return new TerminalRenderer(stdout, stderr, color, live);
}

/** `stream` with every write passed to `above` (prompts.ts), keeping whether it is a terminal and its width. */
function aboveThePrompt(stream: Writable, above: (text: string) => void): Writable & { isTTY?: boolean } {
  const out = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      above(String(chunk));
      done();
    },
  });
  // The terminal's width, read when asked (it changes as the window does): the progress line is cut to it.
  Object.defineProperty(out, "columns", { get: () => (stream as { columns?: number }).columns });
  return Object.assign(out, { isTTY: (stream as { isTTY?: boolean }).isTTY });
}
