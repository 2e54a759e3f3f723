import { mkdirSync } from "node:fs";
import type { Writable } from "node:stream";
import type Anthropic from "@anthropic-ai/sdk";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { AuditLog } from "./audit.js";
import { type AgentConfig, ConfigError, MISSING_KEY, type StdioServerSpec } from "./config.js";
import { runLoop } from "./loop.js";
import { isYes, type PermissionMode } from "./permissions.js";
import { claudeCodeCommands, desktopConfig } from "./print-config.js";
import { systemPrompt } from "./prompt.js";
import { JsonRenderer, oneLine, type Renderer, TerminalRenderer } from "./render.js";
import { ServerPool } from "./servers.js";
import { formatSummary, RunStats } from "./summary.js";
import { ToolCatalog, ToolRunner } from "./tools.js";

/** Exit codes of mcp-agent. */
export const EXIT = { ok: 0, failed: 1, usage: 2, maxTurns: 3, interrupted: 130, terminated: 143 } as const;

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
}

/** An interrupted run: the exit code depends on the signal. */
export class Interrupted extends Error {
  constructor(readonly code: number) {
    super("interrupted");
  }
}

function errorLine(error: unknown, verbose: boolean): string {
  if (verbose && error instanceof Error && error.stack) return error.stack;
  const e = error as { status?: number; message?: string; error?: { error?: { type?: string; message?: string } } };
  if (typeof e?.status === "number") {
    const detail = e.error?.error;
    const what = detail?.message ?? oneLine(e.message ?? "", 200);
    if (e.status === 401)
      return `API rejected the credentials (401): ${what} — check ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN`;
    return `API error ${e.status}${detail?.type ? ` ${detail.type}` : ""}: ${what}`;
  }
  if (error instanceof Error && error.name === "APIConnectionError") {
    return `cannot reach the Messages API (${error.message}); check ANTHROPIC_BASE_URL and the network`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** fetch that reports retryable API answers in one line each, then lets the SDK retry. */
function observingFetch(maxRetries: number, renderer: Renderer, stats: RunStats): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 429 || response.status >= 500) {
      const headers = new Headers(init?.headers);
      const attempt = Number(headers.get("x-stainless-retry-count") ?? 0);
      const willRetry = attempt < maxRetries && response.headers.get("x-should-retry") !== "false";
      const kind = response.status === 529 ? "overloaded" : response.status === 429 ? "rate limited" : "server error";
      const after = response.headers.get("retry-after");
      if (willRetry) {
        stats.retries++;
        renderer.notice(
          `API ${kind} (${response.status}); retrying${after ? ` after ${after}s` : ""} (${attempt + 1}/${maxRetries})`,
        );
      }
    }
    return response;
  };
}

function listTools(catalog: ToolCatalog, io: RunIO, json: boolean): void {
  if (json) {
    const tools = catalog.entries.map((e) => ({
      name: e.apiName,
      server: e.server,
      tool: e.tool,
      description: e.description,
      readOnly: e.source.annotations?.readOnlyHint === true,
      inputSchema: e.source.inputSchema,
    }));
    io.stdout.write(`${JSON.stringify({ tools }, null, 2)}\n`);
    return;
  }
  const width = Math.max(0, ...catalog.entries.map((e) => e.apiName.length));
  for (const e of catalog.entries) {
    const ro = e.source.annotations?.readOnlyHint === true ? "ro" : "rw";
    io.stdout.write(`${e.apiName.padEnd(width)}  ${ro}  ${oneLine(e.description, 110)}\n`);
  }
  io.stdout.write(`${catalog.entries.length} tools\n`);
}

/** Print the Claude Desktop block or Claude Code commands for the built-in servers. */
export function printConfig(config: AgentConfig, kind: string, out: Writable): void {
  const builtins = config.servers.filter((s): s is StdioServerSpec => s.kind === "stdio" && s.builtin);
  if (kind === "claude-desktop") out.write(`${JSON.stringify(desktopConfig(builtins), null, 2)}\n`);
  else if (kind === "claude-code") out.write(`${claudeCodeCommands(builtins)}\n`);
  else throw new ConfigError(`--print-config must be claude-desktop or claude-code, got "${kind}"`);
}

/** Lines typed for the interactive session, and y/n questions for --ask, on one readline interface. */
function terminalPrompts(io: RunIO) {
  let rl: import("node:readline/promises").Interface | undefined;
  let lines: AsyncIterator<string> | undefined;
  const get = async () => {
    if (!rl) {
      const readline = await import("node:readline/promises");
      rl = readline.createInterface({ input: io.stdin, output: io.stderr, terminal: io.stdin.isTTY === true });
      // On a TTY readline takes Ctrl-C itself; hand it to the process handler (stop, then force).
      rl.on("SIGINT", () => process.kill(process.pid, "SIGINT"));
    }
    return rl;
  };
  return {
    /** The next line, or undefined at end of input. Lines typed ahead are kept, not lost. */
    nextLine: async (prompt: string): Promise<string | undefined> => {
      const r = await get();
      lines ??= r[Symbol.asyncIterator]();
      io.stderr.write(prompt);
      const next = await lines.next();
      return next.done ? undefined : next.value;
    },
    confirm: async (q: string) =>
      isYes(await (await get()).question(`allow ${oneLine(q, 300)}? [y/N] `, { signal: io.signal })),
    close: () => rl?.close(),
  };
}

/** Run the agent with a resolved configuration; returns the exit code. */
export async function run(config: AgentConfig, mode: { listTools: boolean }, io: RunIO): Promise<number> {
  if (!mode.listTools && !config.apiKey && !config.authToken) throw new ConfigError(MISSING_KEY);
  if (config.ask && !mode.listTools && io.stdin.isTTY !== true) {
    throw new ConfigError("--ask needs a terminal to ask on (stdin is not a TTY); drop --ask or use --read-only");
  }
  // The built-in servers expect their workspace to exist.
  if (config.servers.some((s) => s.builtin)) mkdirSync(config.workspace, { recursive: true });
  const renderer: Renderer = config.json
    ? new JsonRenderer(io.stderr)
    : new TerminalRenderer(io.stdout, io.stderr, io.stdout.isTTY === true && !io.env.NO_COLOR);
  const stats = new RunStats();
  const pool = new ServerPool({
    startupTimeoutMs: config.startupTimeoutMs,
    env: io.env,
    onStderr: config.verbose ? (server, line) => io.stderr.write(`[${server}] ${line}\n`) : undefined,
    onNotice: (message) => renderer.notice(message),
  });
  io.onPool?.(pool);
  // Load the API client while the servers boot.
  const sdk = mode.listTools ? undefined : import("@anthropic-ai/sdk");
  sdk?.catch(() => {});
  const prompts = terminalPrompts(io);
  let audit: AuditLog | undefined;
  try {
    const failures = await pool.start(config.servers);
    if (io.signal.aborted) throw new Interrupted(EXIT.interrupted);
    for (const f of failures) renderer.notice(f.line);
    if (failures.length > 0 && config.strict) {
      throw new ConfigError(`--strict: ${failures.length} server(s) failed to start`);
    }
    const permission: PermissionMode = config.readOnly ? "read-only" : config.ask ? "ask" : "all";
    const catalog = new ToolCatalog(pool.tools, permission, {
      builtin: new Set(config.servers.filter((s) => s.builtin).map((s) => s.name)),
      toolSearch: config.toolSearch,
    });
    if (mode.listTools) {
      listTools(catalog, io, config.json);
      return EXIT.ok;
    }

    audit = new AuditLog(config.auditFile, (m) => renderer.notice(m));
    const { default: AnthropicClient } = (await sdk) as typeof import("@anthropic-ai/sdk");
    const client: Anthropic = new AnthropicClient({
      apiKey: config.apiKey ?? null,
      authToken: config.authToken ?? null,
      ...(config.baseURL ? { baseURL: config.baseURL } : {}),
      maxRetries: config.maxRetries,
      fetch: observingFetch(config.maxRetries, renderer, stats),
      logLevel: "off",
    });
    const runner = new ToolRunner({
      catalog,
      pool,
      mode: permission,
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

    const messages: MessageParam[] = [];
    let code: number = EXIT.ok;
    let result = "";
    let reason: string | undefined;
    const ask = async (task: string) => {
      const last = messages.at(-1);
      if (last?.role === "user" && Array.isArray(last.content)) last.content.push({ type: "text", text: task });
      else messages.push({ role: "user", content: task });
      const outcome = await runLoop(messages, deps);
      result = outcome.text;
      if (outcome.status === "done") return EXIT.ok;
      reason =
        outcome.status === "max_turns"
          ? `stopped: reached --max-turns ${config.maxTurns} before the task was done; raise --max-turns or split the task`
          : outcome.reason;
      renderer.notice(reason);
      return outcome.status === "max_turns" ? EXIT.maxTurns : EXIT.failed;
    };
    const attempt = async (task: string) => {
      try {
        return await ask(task);
      } catch (error) {
        if (io.signal.aborted) throw new Interrupted(EXIT.interrupted);
        reason = errorLine(error, config.verbose);
        renderer.notice(reason);
        return EXIT.failed;
      }
    };
    if (config.task !== undefined) {
      code = await attempt(config.task);
    } else {
      io.stderr.write(
        `mcp-agent: ${catalog.entries.length} tools from ${pool.running.map((s) => s.name).join(", ")}; empty line or Ctrl-D to quit\n`,
      );
      for (;;) {
        const line = await prompts.nextLine("\n> ");
        if (line === undefined || !line.trim() || /^(exit|quit)$/i.test(line.trim())) break;
        code = await attempt(line);
      }
    }
    await audit.flush();
    if (config.json) {
      const transcript = (renderer as JsonRenderer).events;
      io.stdout.write(
        `${JSON.stringify({ ok: code === 0, exitCode: code, result, error: reason, transcript, summary: stats.toJSON(config.model), failures }, null, 2)}\n`,
      );
    } else {
      io.stderr.write(`${formatSummary(stats, config.model)}\n`);
    }
    return code;
  } finally {
    prompts.close();
    await pool.close();
    await audit?.flush();
  }
}
