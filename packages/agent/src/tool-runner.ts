import type { ToolResultBlockParam, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages/messages.js";
import type { AuditLog } from "./audit.js";
import { stopCause } from "./errors.js";
import { ERROR_TYPES, errorTypeOf } from "./metric-names.js";
import { consentQuestion } from "./permissions.js";
import { redact, redactText } from "./redact.js";
import type { Renderer } from "./render.js";
import { LIST_RESOURCES, READ_RESOURCE, runResourceTool } from "./resource-tools.js";
import { type ServerPool, ToolCallError } from "./servers.js";
import type { RunStats } from "./summary.js";
import { traceToolCall } from "./telemetry.js";
import type { ToolCatalog } from "./tool-catalog.js";
import { type Confirm, ConsentQueue } from "./tool-consent.js";
import { watchProgress } from "./tool-progress.js";
import { applyBudget, convertResult } from "./tool-result.js";

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
  /** The model got `text` cut to the output budget. */
  cut?: boolean,
  /** What the server meant for the user only: shown, not sent to the model. */
  forUser?: string,
) => ToolResultBlockParam;

/** Runs tool_use blocks: every failure becomes an is_error result the model can read. */
export class ToolRunner {
  private readonly consent: ConsentQueue;

  constructor(private readonly deps: RunnerDeps) {
    this.consent = new ConsentQueue(deps.confirm, (message) => deps.renderer.notice(message));
  }

  /** Run all calls of one response concurrently; results come back in the calls' order. */
  runAll(calls: readonly ToolUseBlock[], signal: AbortSignal): Promise<ToolResultBlockParam[]> {
    // Each call listens on a signal of its own, stopped with the turn's: on the turn's alone, a reply of 11 calls or
    // more set off Node's listener-leak warning in the user's terminal (each request adds a listener while it runs).
    return Promise.all(calls.map((call) => this.run(call, calls.length > 1 ? AbortSignal.any([signal]) : signal)));
  }

  /** The agent's own resource tools: the same budget and error handling as a server's tool. */
  private async runResourceTool(
    call: ToolUseBlock,
    signal: AbortSignal,
    finish: Finish,
  ): Promise<ToolResultBlockParam> {
    const input = (typeof call.input === "object" && call.input !== null ? call.input : {}) as Record<string, unknown>;
    try {
      const { pool, catalog, toolTimeoutMs } = this.deps;
      const result = await runResourceTool(call.name, input, pool, catalog.resourceServers, toolTimeoutMs, signal);
      const converted = convertResult(result, this.deps.outputBudgetTokens);
      return finish(
        undefined,
        converted.text || "(no output)",
        converted.bytes,
        converted.content,
        converted.cut,
        converted.forUser,
      );
    } catch (error) {
      if (signal.aborted) interrupted(finish, error, signal);
      return this.failed(call, error, finish);
    }
  }

  /**
   * Under --ask, a resource tool call that reaches a remote server is asked about first, naming its host, as that
   * server's own tools are; "always" holds for this tool on those servers. Returns why it may not run, if it may not.
   */
  private async resourceConsent(call: ToolUseBlock): Promise<string | undefined> {
    const input = (typeof call.input === "object" && call.input !== null ? call.input : {}) as Record<string, unknown>;
    const reach = this.deps.catalog.resourceConsentReach(call.name, input);
    if (reach.length === 0) return undefined;
    const servers = reach.map((r) => r.server).join(", ");
    const schema = { properties: { server: {}, uri: {} } };
    const question = () =>
      consentQuestion(call.name, input, schema, { remoteHost: reach.map((r) => r.host).join(", ") });
    if (await this.consent.allows(`${call.name} on ${servers}`, question)) return undefined;
    return `the user declined to run ${call.name} on ${servers}; do not retry it — ask or do something else`;
  }

  /**
   * A call that threw (a timeout, a dead server, a protocol error): its message for the model, under the same output
   * budget as a result, since a server's error message is as unbounded as its results; counted by its `error.type`.
   */
  private failed(call: ToolUseBlock, error: unknown, finish: Finish): ToolResultBlockParam {
    const text = error instanceof ToolCallError ? error.message : `${call.name} failed: ${(error as Error).message}`;
    const shown = applyBudget(text, this.deps.outputBudgetTokens);
    return finish(errorTypeOf(error), shown.text, Buffer.byteLength(text, "utf8"), undefined, shown.cut);
  }

  /** Run one call. Never throws except on abort. */
  async run(call: ToolUseBlock, signal: AbortSignal): Promise<ToolResultBlockParam> {
    const { catalog, pool, renderer, stats, audit } = this.deps;
    const entry = catalog.get(call.name);
    // The transcript is a log people paste and CI keeps: secrets are redacted there as in the audit log.
    renderer.toolCall({ id: call.id, name: call.name, input: redact(call.input) });
    let started = performance.now();
    const finish: Finish = (errorType, text, bytes, content, cut, forUser) => {
      const ms = performance.now() - started;
      const ok = errorType === undefined;
      stats.addCall(call.name, ms, errorType, entry && { server: entry.server, tool: entry.tool });
      // An error quotes what was sent (a URL with its ?token=…): redacted as the audit log records it.
      renderer.toolResult({
        id: call.id,
        name: call.name,
        ok,
        text: ok ? text : redactText(text),
        ms,
        ...(cut ? { cut } : {}),
        ...(forUser ? { forUser } : {}),
      });
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
      const declined = await this.resourceConsent(call);
      if (declined !== undefined) return finish(ERROR_TYPES.declined, declined, 0);
      started = performance.now();
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
      const yes = await this.consent.allows(call.name, () =>
        consentQuestion(call.name, input as Record<string, unknown>, entry.source.inputSchema, {
          leavesMachine: entry.leavesMachine,
          remoteHost: entry.remoteHost,
        }),
      );
      if (!yes) {
        const declined = `the user declined to run ${call.name}; do not retry it — ask or do something else`;
        return finish(ERROR_TYPES.declined, declined, 0);
      }
    }
    // Latency is the tool's, not the time the user took to answer.
    started = performance.now();
    const progress = watchProgress(renderer, call, started);
    try {
      const result = await traceToolCall(
        { server: entry.server, tool: entry.tool, callId: call.id },
        () =>
          pool.call(entry.server, entry.tool, input as Record<string, unknown>, {
            timeoutMs: this.deps.toolTimeoutMs,
            signal,
            onProgress: progress.report,
          }),
        (r) => ({ ok: r.isError !== true, bytes: Buffer.byteLength(JSON.stringify(r)) }),
        signal,
      );
      progress.stop();
      const converted = convertResult(result, this.deps.outputBudgetTokens);
      const errorType = converted.isError ? ERROR_TYPES.toolError : undefined;
      return finish(
        errorType,
        converted.text || "(no output)",
        converted.bytes,
        converted.content,
        converted.cut,
        converted.forUser,
      );
    } catch (error) {
      progress.stop();
      if (signal.aborted) interrupted(finish, error, signal);
      return this.failed(call, error, finish);
    }
  }
}

/**
 * A call stopped (Ctrl-C on a turn, or a signal to the agent) had been sent, and may have changed something: the
 * audit log and the summary still count it, as interrupted, saying what stopped it. Then the abort goes on up.
 */
function interrupted(finish: Finish, error: unknown, signal: AbortSignal): never {
  finish(ERROR_TYPES.interrupted, `stopped: ${stopCause(signal.reason)}`, 0);
  throw error;
}
