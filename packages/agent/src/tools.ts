import type {
  Tool,
  ToolResultBlockParam,
  ToolUnion,
  ToolUseBlock,
} from "@anthropic-ai/sdk/resources/messages/messages.js";
import type { AuditLog } from "./audit.js";
import { ERROR_TYPES, errorTypeOf } from "./metric-names.js";
import { type NamedTool, namespaceTools } from "./naming.js";
import {
  type Consent,
  consentQuestion,
  isOffered,
  isReadOnly,
  leavesMachine,
  needsConsent,
  type Permissions,
} from "./permissions.js";
import { redact } from "./redact.js";
import { PROGRESS_AFTER_MS, type ProgressUpdate, type Renderer } from "./render.js";
import { LIST_RESOURCES, READ_RESOURCE, resourceTools, runResourceTool } from "./resource-tools.js";
import { type ServerPool, type ServerTool, ToolCallError } from "./servers.js";
import type { RunStats } from "./summary.js";
import { traceToolCall } from "./telemetry.js";
import { applyBudget, convertResult } from "./tool-result.js";

/** Above this many bytes of config-added tool definitions, --tool-search auto defers them. */
export const DEFER_THRESHOLD_BYTES = 40_000;

/** A tool offered to the model: its API name, its server's tool, and the way to call it. */
export interface CatalogEntry extends NamedTool {
  source: ServerTool;
  deferred: boolean;
  /** A call can carry data off this machine (openWorldHint). */
  leavesMachine: boolean;
  /** Each call needs a yes from the user first (--ask). */
  asks: boolean;
}

/** What a catalog needs to know about the servers besides their tools. */
export interface CatalogOptions {
  /** The built-in servers, never deferred behind tool search. */
  builtin: ReadonlySet<string>;
  toolSearch: "auto" | "on" | "off";
  /** Servers that reach only hosts the user listed (the built-in api server under --allow-hosts). */
  fenced?: ReadonlySet<string>;
}

/** The namespaced, permission-filtered tool set of a run; rebuilt when a server's tool list changes. */
export class ToolCatalog {
  entries: CatalogEntry[] = [];
  /** Read-only tools --read-only leaves out because they can send data off this machine (server__tool). */
  withheld: string[] = [];
  private byName = new Map<string, CatalogEntry>();
  /** Servers that offer resources: the agent's mcp__ resource tools are offered when there are any. */
  resourceServers: string[] = [];

  constructor(
    tools: readonly ServerTool[],
    private readonly permissions: Permissions,
    private readonly options: CatalogOptions,
  ) {
    this.update(tools);
  }

  /** Rebuild from the servers' current tools (after a list change). */
  update(tools: readonly ServerTool[]): void {
    const { permissions, options } = this;
    const reach = (t: ServerTool) => ({ fenced: options.fenced?.has(t.server) === true });
    const offered = tools.filter((t) => isOffered(t, permissions, reach(t)));
    // A read-only tool left out under --read-only is one that can send data off this machine.
    this.withheld = tools.filter((t) => isReadOnly(t) && !offered.includes(t)).map((t) => `${t.server}__${t.name}`);
    const named = namespaceTools(offered.map((t) => ({ server: t.server, name: t.name, description: t.description })));
    const external = offered.filter((t) => !options.builtin.has(t.server));
    const externalBytes = JSON.stringify(external.map((t) => [t.name, t.description, t.inputSchema])).length;
    const defer =
      external.length > 0 &&
      (options.toolSearch === "on" || (options.toolSearch === "auto" && externalBytes > DEFER_THRESHOLD_BYTES));
    this.entries = named.map((n, i) => {
      const source = offered[i] as ServerTool;
      return {
        ...n,
        source,
        deferred: defer && !options.builtin.has(n.server),
        leavesMachine: leavesMachine(source),
        asks: needsConsent(source, permissions),
      };
    });
    this.byName = new Map(this.entries.map((e) => [e.apiName, e]));
  }

  /** Look a model-visible name up. */
  get(apiName: string): CatalogEntry | undefined {
    return this.byName.get(apiName);
  }

  /** Whether any tool is deferred behind tool search. */
  get usesToolSearch(): boolean {
    return this.entries.some((e) => e.deferred);
  }

  /** The `tools` parameter: cache_control on the last tool so the list is cached across turns. */
  apiTools(): ToolUnion[] {
    const tools: ToolUnion[] = this.entries.map(
      (e): Tool => ({
        name: e.apiName,
        description: e.description,
        input_schema: e.source.inputSchema as Tool.InputSchema,
        ...(e.deferred ? { defer_loading: true } : {}),
      }),
    );
    if (this.resourceServers.length > 0) tools.push(...resourceTools(this.resourceServers));
    if (this.usesToolSearch) tools.push({ type: "tool_search_tool_bm25_20251119", name: "tool_search_tool_bm25" });
    const last = tools.findLast((t) => !("defer_loading" in t && t.defer_loading));
    if (last) Object.assign(last, { cache_control: { type: "ephemeral" } });
    return tools;
  }
}

/** Asks the user about a call of `tool`: yes, no, or always (this tool, for the rest of the run). */
export type Confirm = (question: string, tool: string) => Promise<Consent>;

/** What running one tool call needs. */
export interface RunnerDeps {
  catalog: ToolCatalog;
  pool: ServerPool;
  renderer: Renderer;
  stats: RunStats;
  audit: AuditLog | undefined;
  confirm: Confirm | undefined;
  toolTimeoutMs: number;
  outputBudgetTokens: number;
}

/** How a call ended: ok, or the `error.type` the summary counts it under (undefined is ok). */
type Finish = (
  errorType: string | undefined,
  text: string,
  bytes: number,
  content?: ToolResultBlockParam["content"],
) => ToolResultBlockParam;

/** Runs tool_use blocks: every failure becomes an is_error result the model can read. */
export class ToolRunner {
  private consent: Promise<unknown> = Promise.resolve();
  /** Tools the user answered "always" for: not asked about again in this run. */
  private readonly allowed = new Set<string>();

  constructor(private readonly deps: RunnerDeps) {}

  /** Run all calls of one response concurrently; results come back in the calls' order. */
  runAll(calls: readonly ToolUseBlock[], signal: AbortSignal): Promise<ToolResultBlockParam[]> {
    return Promise.all(calls.map((call) => this.run(call, signal)));
  }

  private ask(tool: string, question: () => string): Promise<boolean> {
    const confirm = this.deps.confirm;
    if (!confirm) return Promise.resolve(false);
    // One question at a time, even when calls run in parallel; a call queued behind an "always" is not asked.
    const answer = this.consent.then(async () => {
      if (this.allowed.has(tool)) return true;
      const consent = await confirm(question(), tool);
      if (consent === "always") {
        this.allowed.add(tool);
        this.deps.renderer.notice(`${tool} is allowed without asking for the rest of this run`);
      }
      return consent !== "no";
    });
    this.consent = answer.catch(() => {});
    return answer;
  }

  /** The agent's own resource tools: the same budget and error handling as a server's tool. */
  private async runResourceTool(
    call: ToolUseBlock,
    signal: AbortSignal,
    finish: Finish,
  ): Promise<ToolResultBlockParam> {
    const input = (typeof call.input === "object" && call.input !== null ? call.input : {}) as Record<string, unknown>;
    try {
      const result = await runResourceTool(call.name, input, this.deps.pool, this.deps.toolTimeoutMs, signal);
      const converted = convertResult(result, this.deps.outputBudgetTokens);
      return finish(undefined, converted.text || "(no output)", converted.bytes, converted.content);
    } catch (error) {
      if (signal.aborted) throw error;
      return this.failed(call, error, finish);
    }
  }

  /**
   * A call that threw (a timeout, a dead server, a protocol error): its message for the model, under the same output
   * budget as a result, since a server's error message is as unbounded as its results; counted by its `error.type`.
   */
  private failed(call: ToolUseBlock, error: unknown, finish: Finish): ToolResultBlockParam {
    const text = error instanceof ToolCallError ? error.message : `${call.name} failed: ${(error as Error).message}`;
    const shown = applyBudget(text, this.deps.outputBudgetTokens).text;
    return finish(errorTypeOf(error), shown, Buffer.byteLength(text, "utf8"));
  }

  /**
   * Progress of one call: each server report goes to the renderer, and a tick each second keeps the elapsed time
   * current (the terminal shows a live line from the first second; --json keeps the reports).
   */
  private watch(call: ToolUseBlock, started: number) {
    const { renderer } = this.deps;
    let last: Pick<ProgressUpdate, "progress" | "total" | "message"> = {};
    const update = (tick: boolean) =>
      renderer.progress({ id: call.id, name: call.name, elapsedMs: performance.now() - started, tick, ...last });
    const timer = setInterval(() => update(true), PROGRESS_AFTER_MS);
    return {
      report: (p: { progress: number; total?: number | undefined; message?: string | undefined }) => {
        last = { progress: p.progress, total: p.total, message: p.message };
        update(false);
      },
      stop: () => {
        clearInterval(timer);
        renderer.progressEnd(call.id);
      },
    };
  }

  /** Run one call. Never throws except on abort. */
  async run(call: ToolUseBlock, signal: AbortSignal): Promise<ToolResultBlockParam> {
    const { catalog, pool, renderer, stats, audit } = this.deps;
    const entry = catalog.get(call.name);
    // The transcript is a log people paste and CI keeps: secrets are redacted there as in the audit log.
    renderer.toolCall({ id: call.id, name: call.name, input: redact(call.input) });
    let started = performance.now();
    const finish: Finish = (errorType, text, bytes, content) => {
      const ms = performance.now() - started;
      const ok = errorType === undefined;
      stats.addCall(call.name, ms, errorType, entry && { server: entry.server, tool: entry.tool });
      renderer.toolResult({ id: call.id, name: call.name, ok, text, ms });
      audit?.record({
        server: entry?.server ?? (call.name.startsWith("mcp__") ? "mcp" : "?"),
        tool: entry?.tool ?? call.name,
        args: call.input,
        durationMs: ms,
        ok,
        error: ok ? undefined : text,
        resultBytes: bytes,
      });
      return {
        type: "tool_result" as const,
        tool_use_id: call.id,
        content: content ?? [{ type: "text" as const, text }],
        ...(ok ? {} : { is_error: true }),
      };
    };

    if (!entry && (call.name === LIST_RESOURCES || call.name === READ_RESOURCE) && catalog.resourceServers.length > 0) {
      return this.runResourceTool(call, signal, finish);
    }
    if (!entry) {
      const names = catalog.entries.map((e) => e.apiName);
      const list = names.slice(0, 40).join(", ") + (names.length > 40 ? ", …" : "");
      const error = `unknown tool "${call.name}"; tools are named server__tool — available: ${list || "none"}`;
      return finish(ERROR_TYPES.unknownTool, error, 0);
    }
    const input = call.input;
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      const error = `${call.name} takes a JSON object of arguments, got ${JSON.stringify(input)}`;
      return finish(ERROR_TYPES.invalidArguments, error, 0);
    }
    if (entry.asks) {
      const yes = await this.ask(call.name, () =>
        consentQuestion(call.name, input as Record<string, unknown>, entry.source.inputSchema, {
          leavesMachine: entry.leavesMachine,
        }),
      );
      if (!yes) {
        const declined = `the user declined to run ${call.name}; do not retry it — ask or do something else`;
        return finish(ERROR_TYPES.declined, declined, 0);
      }
    }
    // Latency is the tool's, not the time the user took to answer.
    started = performance.now();
    const progress = this.watch(call, started);
    try {
      const result = await traceToolCall(
        entry.server,
        entry.tool,
        () =>
          pool.call(entry.server, entry.tool, input as Record<string, unknown>, {
            timeoutMs: this.deps.toolTimeoutMs,
            signal,
            onProgress: progress.report,
          }),
        (r) => ({ ok: r.isError !== true, bytes: Buffer.byteLength(JSON.stringify(r)) }),
      );
      progress.stop();
      const converted = convertResult(result, this.deps.outputBudgetTokens);
      const errorType = converted.isError ? ERROR_TYPES.toolError : undefined;
      return finish(errorType, converted.text || "(no output)", converted.bytes, converted.content);
    } catch (error) {
      progress.stop();
      if (signal.aborted) throw error;
      return this.failed(call, error, finish);
    }
  }
}
