import { createClient } from "./api.js";
import { type TurnBlock, withAttachments } from "./attach.js";
import type { AuditLog } from "./audit.js";
import type { AgentConfig } from "./config.js";
import { ContextGauge } from "./context-gauge.js";
import { Interrupted } from "./errors.js";
import type { JsonRenderer } from "./json-renderer.js";
import { lifecycleNotice, type ModelFacts } from "./model-facts.js";
import { withPipedInput } from "./piped-input.js";
import { systemPrompt } from "./prompt.js";
import type { terminalPrompts } from "./prompts.js";
import type { Renderer } from "./render.js";
import { quitHint, repl } from "./repl.js";
import type { RunIO } from "./run.js";
import type { ServerPrompt } from "./server-prompts.js";
import type { ServerPool } from "./servers.js";
import { Session } from "./session.js";
import { formatSummary, type RunStats } from "./summary.js";
import { traceRun } from "./telemetry.js";
import { printable, printableJson } from "./terminal-text.js";
import type { ToolCatalog } from "./tool-catalog.js";
import { ToolRunner } from "./tool-runner.js";

/** The API client, once made: servers' sampling requests go through it. */
export interface ApiHolder {
  client?: Awaited<ReturnType<typeof createClient>>;
}

/** A server that did not start: its name and the line that says why. */
export type StartFailure = { server: string; line: string };

type Prompts = ReturnType<typeof terminalPrompts>;

/** What a conversation needs from the run: its servers, tools, transcript, terminal and what went before. */
export interface ConverseParts {
  pool: ServerPool;
  catalog: ToolCatalog;
  renderer: Renderer;
  stats: RunStats;
  prompts: Prompts;
  audit: AuditLog;
  /** Filled with the API client once it is made, for the servers' sampling requests. */
  api: ApiHolder;
  serverPrompts: () => Promise<ServerPrompt[]>;
  /** Servers that did not start, for the --json result. */
  failures: StartFailure[];
  /** What the Models API says of the run's model, once it answers (api.ts lookUpModel). */
  modelFacts?: Promise<ModelFacts | undefined> | undefined;
  /** This run's id: in every audit line and the --json result, to tell apart runs that share a workspace. */
  runId?: string | undefined;
}

/** The task, or the interactive session, with the model; then the --json result or the summary. */
export async function converse(config: AgentConfig, io: RunIO, parts: ConverseParts): Promise<number> {
  const { pool, catalog, renderer, stats, prompts, audit } = parts;
  const client = await createClient(config, renderer, stats);
  parts.api.client = client;
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
  let catalogVersion = pool.toolsVersion;
  const context = new ContextGauge();
  let lifecycle: string | undefined;
  // Said once, between requests (not into a streaming reply), or after the last when the look-up answered later.
  const sayLifecycle = () => {
    if (lifecycle) renderer.notice(lifecycle);
    lifecycle = undefined;
  };
  parts.modelFacts?.then((facts) => {
    if (facts?.maxInput) context.list(facts.maxInput);
    lifecycle = facts && lifecycleNotice(config.model, facts);
  });
  const session = new Session(
    {
      client,
      catalog,
      runner,
      renderer,
      stats,
      system: systemPrompt(pool.running, { readOnly: config.readOnly, toolSearch: catalog.usesToolSearch }),
      model: config.model,
      maxTokens: config.maxTokens,
      maxTurns: config.maxTurns,
      tokenBudget: config.tokenBudget,
      costBudgetUsd: config.costBudgetUsd,
      maxRetries: config.maxRetries,
      streamIdleMs: config.streamIdleMs,
      thinking: config.thinking,
      stream: !config.json,
      // Text streams live on a terminal only: a reply that breaks off and is asked for again would leave its first
      // part in a file or pipe, so there each message's text is written once it is whole.
      live: io.stdout.isTTY === true,
      signal: io.signal,
      context,
      beforeRequest: async () => {
        sayLifecycle();
        // A server that signalled a new tool list is re-read first, so this request carries its tools.
        await pool.settle();
        if (pool.toolsVersion === catalogVersion) return;
        catalogVersion = pool.toolsVersion;
        catalog.update(pool.tools);
      },
      beforeTools: () => pool.listenForChanges(),
    },
    config.verbose,
    config.task === undefined,
  );
  const turn = (text: string) =>
    withAttachments(text, {
      pool,
      budgetTokens: config.outputBudgetTokens,
      timeoutMs: config.toolTimeoutMs,
      signal: io.signal,
      notice: (m) => renderer.notice(m),
    });

  let code: number;
  try {
    code = await talk(config, io, parts, session, turn);
  } catch (error) {
    // Ctrl-C or SIGTERM: what the run did and spent so far is still shown (with --json, in the result the CLI writes).
    if (error instanceof Interrupted && config.json) error.partial = jsonParts(config, parts, session);
    else if (error instanceof Interrupted && (stats.turns > 0 || stats.interruptedReplies > 0)) {
      io.stderr.write(`${printable(formatSummary(stats, config.model))}\n`);
    }
    throw error;
  }
  // A look-up slower than the servers' start answers after the first request went: a one-request task would end
  // without the line a deprecated model's user most needs (in CI, where nobody reads the next run's warnings).
  sayLifecycle();
  await audit.flush();
  if (config.json) {
    const { result, ...rest } = jsonParts(config, parts, session);
    io.stdout.write(
      `${printableJson({ ok: code === 0, exitCode: code, result, error: session.reason, ...stop(session), ...rest }, 2)}\n`,
    );
  } else {
    // Tool names in it are the model's, including ones it made up.
    io.stderr.write(`${printable(formatSummary(stats, config.model))}\n`);
  }
  return code;
}

/** `stop`, naming the limit that ended the task (`max_turns`, `token_budget`, `cost_budget`), for a script to branch on. */
const stop = (session: Session) => (session.stop ? { stop: session.stop } : {});

/** The --json result's account of the run: the model's last text, the transcript, the summary, the failed starts. */
function jsonParts(config: AgentConfig, parts: ConverseParts, session: Session) {
  return {
    ...(parts.runId ? { run: parts.runId } : {}),
    result: session.result,
    transcript: (parts.renderer as JsonRenderer).events,
    summary: parts.stats.toJSON(config.model),
    failures: parts.failures,
  };
}

/** The task, or the interactive session: the exit code of the last turn. */
async function talk(
  config: AgentConfig,
  io: RunIO,
  parts: ConverseParts,
  session: Session,
  turn: (text: string) => Promise<string | TurnBlock[]>,
): Promise<number> {
  if (config.task !== undefined) {
    const task = config.task;
    // Piped input is read (and refused, when it is not text or is too long) before the task's attachments are.
    const piped = await io.pipedInput;
    return traceRun(
      config.model,
      async () => {
        const asked = await turn(task);
        return session.ask(piped === undefined ? asked : withPipedInput(asked, piped, (m) => parts.renderer.notice(m)));
      },
      parts.runId,
    );
  }
  const { pool, catalog } = parts;
  io.stderr.write(
    `mcp-agent: ${catalog.entries.length} tools from ${pool.running.map((s) => s.name).join(", ")}; ${quitHint(io.stdin.isTTY === true)}\n`,
  );
  return repl({
    prompts: parts.prompts,
    session,
    pool,
    renderer: parts.renderer,
    stderr: io.stderr,
    signal: io.signal,
    turn,
    serverPrompts: parts.serverPrompts,
    timeoutMs: config.toolTimeoutMs,
    model: config.model,
    runId: parts.runId,
    terminal: io.stdin.isTTY === true,
  });
}
