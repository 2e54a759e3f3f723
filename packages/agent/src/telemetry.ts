// The agent's spans, following the OpenTelemetry GenAI and MCP conventions: one for its start-up (`create_agent`), one
// for the run, one per model turn (`chat <model>`), one per tool call (`execute_tool <tool>`) with the MCP client
// request (`tools/call <tool>`) under it, whose trace context goes to the server in `params._meta`, as every other
// request's does (request-spans.ts). All no-ops, with nothing loaded, unless the OTEL_*
// variables turn export on (core's telemetry.ts). The same goes for its metrics (telemetry-metrics.ts): a duration per
// tool call and the tokens per model turn, recorded where the spans are.

import type { Message } from "@anthropic-ai/sdk/resources/messages/messages.js";
import {
  carrierOf,
  metricExportFrom,
  resourceAttributeKey,
  startTracing,
  type Tracing,
  tracing,
} from "@mcp-toolkit/core";
import { ERROR_TYPES, errorTypeOf } from "./metric-names.js";
import { type ApiUsage, inputTokens } from "./summary.js";

/**
 * Start the agent's export when the environment asks for it; `service.name` is mcp-agent unless OTEL_SERVICE_NAME.
 * `warn` hears of the first export that fails.
 */
export function startAgentTracing(
  env: Record<string, string | undefined>,
  version: string,
  warn?: (line: string) => void,
): Promise<Tracing> {
  return startTracing(env, "mcp-agent", version, warn);
}

/** Where the agent's figures go: nowhere, with nothing loaded, unless the OTEL_* variables ask for metrics. */
export interface AgentMetrics {
  readonly enabled: boolean;
  /** One tools/call: how long, and `errorType` when it failed (`tool_error` for an isError result). */
  toolCall(server: string, tool: string, seconds: number, errorType?: string): void;
  /** One model call's input and output tokens (a turn, or a server's sampling request). */
  turn(model: string, input: number, output: number): void;
  /** Export what is recorded and stop; called on exit. */
  shutdown(): Promise<void>;
}

const noMetrics: AgentMetrics = { enabled: false, toolCall() {}, turn() {}, shutdown: async () => {} };

// One per process, like the tracing in force (core's telemetry.ts): the run starts it, the loop and tools record.
let metrics: AgentMetrics = noMetrics;

/** Start the agent's metric export when the environment asks for it, loading OpenTelemetry only then; `warn` as above. */
export async function startAgentMetrics(
  env: Record<string, string | undefined>,
  version: string,
  warn?: (line: string) => void,
): Promise<AgentMetrics> {
  const wanted = metricExportFrom(env, "mcp-agent");
  if (!wanted) return noMetrics;
  const { otelAgentMetrics } = await import("./telemetry-metrics.js");
  metrics = await otelAgentMetrics(wanted, version, env, warn);
  return metrics;
}

/**
 * The agent's environment as its servers get it: the OTEL variables pass on, so their spans join the agent's trace,
 * except what names the agent (OTEL_SERVICE_NAME, and a service.name in OTEL_RESOURCE_ATTRIBUTES, its key decoded as
 * core decodes it): each server reports its own name. The other resource attributes (deployment.environment, …) pass
 * on as they were written.
 */
export function serverEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const { OTEL_SERVICE_NAME: _agentsOwn, OTEL_RESOURCE_ATTRIBUTES: attributes, ...rest } = env;
  const kept = (attributes ?? "")
    .split(",")
    .filter((pair) => pair.trim() && resourceAttributeKey(pair) !== "service.name");
  return kept.length > 0 ? { ...rest, OTEL_RESOURCE_ATTRIBUTES: kept.join(",") } : rest;
}

/**
 * The whole run (one task, or a session's turn) as the GenAI conventions' agent invocation; the run's id (its audit
 * lines' and --json result's `run`) is its conversation.
 */
export function traceRun<T>(model: string, fn: () => Promise<T>, runId?: string): Promise<T> {
  return agentSpan("invoke_agent", model, fn, runId);
}

/**
 * The agent's start-up (its servers started, their handshakes and lists) as the GenAI conventions' agent creation,
 * `create_agent mcp-agent`: one trace, the MCP client span of each request under it and each server's span under
 * that (request-spans.ts). Internal, as the run's span is: the agent runs in this process.
 */
export function traceStartup<T>(model: string, fn: () => Promise<T>, runId?: string): Promise<T> {
  return agentSpan("create_agent", model, fn, runId);
}

/** `fn` inside the GenAI conventions' agent span of `operation` (`{operation} mcp-agent`); just `fn` untraced. */
function agentSpan<T>(
  operation: "invoke_agent" | "create_agent",
  model: string,
  fn: () => Promise<T>,
  runId: string | undefined,
): Promise<T> {
  const traces = tracing();
  if (!traces.enabled) return fn();
  const attributes = {
    "gen_ai.operation.name": operation,
    "gen_ai.agent.name": "mcp-agent",
    "gen_ai.provider.name": "anthropic",
    "gen_ai.request.model": model,
    ...(runId ? { "gen_ai.conversation.id": runId } : {}),
  };
  return traces.inSpan(`${operation} mcp-agent`, { kind: "internal", attributes }, () => fn());
}

/**
 * A server started again mid-run, `restart <server>`, under the span of the call that found it stopped (so in the
 * run's trace, whose time it took), with the new handshake's requests under it.
 */
export function traceRestart<T>(server: string, restarts: number, fn: () => Promise<T>): Promise<T> {
  const traces = tracing();
  if (!traces.enabled) return fn();
  const attributes = { "mcp_toolkit.server": server, "mcp_toolkit.server.restarts": restarts };
  return traces.inSpan(`restart ${server}`, { kind: "internal", attributes }, () => fn());
}

/**
 * Tokens of a model call that is not a finished turn (a server's sampling request, a reply that broke off or was
 * stopped, as far as the API reported it): counted in the same metric.
 */
export function recordTokens(model: string, usage: ApiUsage): void {
  metrics.turn(model, inputTokens(usage), usage.output_tokens ?? 0);
}

/** One model turn: a `chat` span with the request model, the usage and the stop reason. */
export async function traceTurn(model: string, maxTokens: number, fn: () => Promise<Message>): Promise<Message> {
  const message = await tracedTurn(model, maxTokens, fn);
  recordTokens(model, message.usage);
  return message;
}

function tracedTurn(model: string, maxTokens: number, fn: () => Promise<Message>): Promise<Message> {
  const traces = tracing();
  if (!traces.enabled) return fn();
  const attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "anthropic",
    "gen_ai.request.model": model,
    "gen_ai.request.max_tokens": maxTokens,
  };
  return traces.inSpan(`chat ${model}`, { kind: "client", attributes }, async (span) => {
    const message = await fn();
    span.set({
      "gen_ai.response.id": message.id,
      "gen_ai.response.model": message.model,
      // A string[] in the GenAI conventions: a query or a backend that expects the list finds no match in a string.
      "gen_ai.response.finish_reasons": message.stop_reason ? [message.stop_reason] : undefined,
      // The whole prompt, cached tokens included, as the GenAI conventions count it (the API's excludes them).
      "gen_ai.usage.input_tokens": inputTokens(message.usage),
      "gen_ai.usage.output_tokens": message.usage.output_tokens,
      "gen_ai.usage.cache_read.input_tokens": message.usage.cache_read_input_tokens ?? undefined,
      "gen_ai.usage.cache_creation.input_tokens": message.usage.cache_creation_input_tokens ?? undefined,
    });
    return message;
  });
}

/** Which tool a call is: its server, the tool's own name there, and the model's id for the call (`toolu_…`). */
export interface ToolCallNames {
  server: string;
  tool: string;
  callId: string;
}

/** What a tool call's spans learn when it ends. */
export interface CallOutcome {
  ok: boolean;
  bytes: number;
}

/**
 * One tool call: `execute_tool <tool>` (server, outcome, bytes of result), and under it the MCP client span of the
 * request, `tools/call <tool>`, inside which the request is sent, so `_meta` carries that span as the parent.
 */
export async function traceToolCall<T>(
  { server, tool, callId }: ToolCallNames,
  fn: () => Promise<T>,
  outcome: (result: T) => CallOutcome,
  signal?: AbortSignal,
): Promise<T> {
  if (!metrics.enabled) return tracedToolCall({ server, tool, callId }, fn, outcome, signal);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const result = await tracedToolCall({ server, tool, callId }, fn, outcome, signal);
    metrics.toolCall(server, tool, seconds(), outcome(result).ok ? undefined : ERROR_TYPES.toolError);
    return result;
  } catch (error) {
    metrics.toolCall(server, tool, seconds(), failureType(error, signal));
    throw error;
  }
}

/** A call that threw: `interrupted` when the user stopped it (`signal`), as the summary says, else the error's class. */
function failureType(error: unknown, signal: AbortSignal | undefined): string {
  return signal?.aborted ? ERROR_TYPES.interrupted : errorTypeOf(error);
}

function tracedToolCall<T>(
  { server, tool, callId }: ToolCallNames,
  fn: () => Promise<T>,
  outcome: (result: T) => CallOutcome,
  signal: AbortSignal | undefined,
): Promise<T> {
  const traces = tracing();
  if (!traces.enabled) return fn();
  const call = {
    "gen_ai.operation.name": "execute_tool",
    "gen_ai.tool.name": tool,
    "gen_ai.tool.call.id": callId,
    "mcp_toolkit.server": server,
  };
  return traces.inSpan(`execute_tool ${tool}`, { kind: "internal", attributes: call }, (outer) => {
    const request = { "mcp.method.name": "tools/call", "gen_ai.tool.name": tool, "mcp_toolkit.server": server };
    return traces.inSpan(`tools/call ${tool}`, { kind: "client", attributes: request }, async (inner) => {
      let result: T;
      try {
        result = await fn();
      } catch (error) {
        for (const span of [outer, inner]) span.fail(failureType(error, signal));
        throw error;
      }
      const { ok, bytes } = outcome(result);
      for (const span of [outer, inner]) {
        span.set({ "mcp.tool.outcome": ok ? "ok" : "error", "mcp_toolkit.result.bytes": bytes });
        if (!ok) span.fail(ERROR_TYPES.toolError);
      }
      return result;
    });
  });
}

/**
 * The trace context for a tools/call's `params._meta`, in the formats OTEL_PROPAGATORS names (`traceparent`,
 * `tracestate` and `baggage` by default); empty when tracing is off or the variable says `none`.
 */
export function traceMeta(): Record<string, string> {
  return tracing().injectMeta();
}

/**
 * Whether a request is sent inside a span of its own already, whose context its `_meta` carries (traceMeta): a
 * tools/call's (traceToolCall). With propagation off (`none`) nothing is carried, and a tools/call is still that one.
 */
export function sentInItsSpan(method: string, meta: Readonly<Record<string, unknown>> | undefined): boolean {
  const { fields } = tracing();
  if (fields.length === 0) return method === "tools/call";
  return carrierOf((name) => meta?.[name], fields) !== undefined;
}
