// Tracing without a cost when it is off. OpenTelemetry is loaded (telemetry-sdk.ts) only when the standard OTEL_*
// variables ask for export; otherwise every span below is a no-op and not one OTel module is read, so start-up and
// call speed are unchanged. Like OpenTelemetry's own global provider, the tracing in force is one per process: the
// bin starts it once, and the serving layer and the servers' stages (a SQL statement, an upstream hop) read it.
import type { Meter } from "@opentelemetry/api";
import { propagatorWarning, type TraceCarrier } from "./propagation.js";
import { metricExportFrom, type OtlpExport, traceExportFrom } from "./telemetry-env.js";
import type { ToolStats } from "./tool-stats.js";
import { samplerWarning } from "./trace-sampler.js";

/**
 * Attribute values a span carries: never a bound value, a credential or a body. A list where the conventions define
 * one (`gen_ai.response.finish_reasons` is string[]).
 */
export type SpanAttributes = Record<string, string | number | boolean | string[] | undefined>;

/** A span being recorded: add attributes, mark it failed, end it. */
export interface SpanHandle {
  set(attributes: SpanAttributes): void;
  /** The span failed: `error.type` is set to `errorType` and its status to error. */
  fail(errorType: string, message?: string): void;
  /** End the span now, or at `at` (ms on the performance.now() clock) for work timed elsewhere. */
  end(at?: number): void;
  /** Run `fn` with this span current, so what `fn` starts (its promises included) is traced under it; ends nothing. */
  within<T>(fn: () => T): T;
}

/** Where a span sits: its kind, first attributes, and a remote parent (the trace context from `_meta` or headers). */
export interface SpanOptions {
  kind?: "server" | "client" | "internal";
  attributes?: SpanAttributes;
  /** The caller's trace context, in the formats OTEL_PROPAGATORS names (request-span.ts's callerTrace). */
  parent?: TraceCarrier;
  /** Other traces the span belongs with, linked (trace contexts, as `parent`): an HTTP request's, say. */
  links?: TraceCarrier[];
  /** When the span began, in ms on the performance.now() clock, for work timed elsewhere; now by default. */
  startTime?: number;
}

/** A span's ids, as OTLP and W3C traceparent spell them (32 and 16 hex digits). */
export interface TraceIds {
  traceId: string;
  spanId: string;
}

/** The process's tracing: spans, or nothing at all when export is off. */
export interface Tracing {
  readonly enabled: boolean;
  /** The `_meta` keys and headers a caller's trace context is read from (propagation.ts); none when tracing is off. */
  readonly fields: readonly string[];
  /** Run `fn` inside a new span (a child of the current one, or of `options.parent`); a throw fails and ends it. */
  inSpan<T>(name: string, options: SpanOptions, fn: (span: SpanHandle) => Promise<T>): Promise<T>;
  /** Start a leaf span under the current one; the caller ends it. */
  startSpan(name: string, options?: SpanOptions): SpanHandle;
  /** Add attributes to the current span (the tool call's), if there is one. */
  annotate(attributes: SpanAttributes): void;
  /** Add `amount` to a numeric attribute of the current span (bytes read over several reads). */
  count(attribute: string, amount: number): void;
  /**
   * The current trace context as `_meta` entries (`traceparent`, `tracestate`, `baggage`, or the B3 or Jaeger ones
   * OTEL_PROPAGATORS names; nothing with `none`), for a request this process sends.
   */
  injectMeta(): Record<string, string>;
  /** The current span's trace and span ids (hex), for log lines written inside it; none outside a span. */
  currentIds(): TraceIds | undefined;
  /** Export what is buffered and stop; called on exit. */
  shutdown(): Promise<void>;
}

const noSpan: SpanHandle = { set() {}, fail() {}, end() {}, within: (fn) => fn() };

/** Tracing that records nothing and loads nothing. */
export const noTracing: Tracing = {
  enabled: false,
  fields: [],
  inSpan: (_name, _options, fn) => fn(noSpan),
  startSpan: () => noSpan,
  annotate() {},
  count() {},
  injectMeta: () => ({}),
  currentIds: () => undefined,
  shutdown: async () => {},
};

let current: Tracing = noTracing;

/** The tracing in force in this process (no-op until a bin starts export). */
export function tracing(): Tracing {
  return current;
}

/**
 * Start exporting traces when the environment asks for it (loading OpenTelemetry only then) and make that the
 * process's tracing. Returns it, or the no-op tracing. `warn` hears of the first export that fails.
 */
export async function startTracing(
  env: Record<string, string | undefined>,
  defaultService: string,
  version: string,
  warn?: (line: string) => void,
): Promise<Tracing> {
  const wanted = traceExportFrom(env, defaultService);
  if (!wanted) return noTracing;
  for (const warning of [samplerWarning(wanted.sampler), propagatorWarning(wanted.propagation)]) {
    if (warning) warn?.(warning);
  }
  const { otelTracing } = await import("./telemetry-sdk.js");
  current = otelTracing(wanted, version, warn);
  return current;
}

/** A running metrics export; stop it on exit (the last figures are sent then). */
export interface MetricExport {
  shutdown(): Promise<void>;
}

/** Bucket bounds in seconds the MCP conventions recommend for operation durations (OTLP and Prometheus alike). */
export const MCP_DURATION_BUCKETS: readonly number[] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** A meter whose figures are exported over OTLP as `settings` say; shutting it down sends the last of them. */
export interface OtlpMeter {
  meter: Meter;
  shutdown(): Promise<void>;
}

/**
 * Open a meter named `scope` exporting over OTLP (JSON or protobuf, every OTEL_METRIC_EXPORT_INTERVAL), loading the
 * metrics SDK only now: how the servers and the agent each export theirs.
 */
export async function openOtlpMeter(
  settings: OtlpExport,
  scope: string,
  version: string,
  env: Record<string, string | undefined>,
  warn?: (line: string) => void,
): Promise<OtlpMeter> {
  const { otlpMeter } = await import("./telemetry-metrics.js");
  return otlpMeter(settings, scope, version, env, warn);
}

/**
 * Export `stats`' figures as OpenTelemetry metrics over OTLP when the environment asks for it (how a stdio server,
 * which has no /metrics, is measured), loading the SDK only then.
 */
export async function startMetricExport(
  env: Record<string, string | undefined>,
  defaultService: string,
  version: string,
  stats: ToolStats,
  warn?: (line: string) => void,
): Promise<MetricExport> {
  const wanted = metricExportFrom(env, defaultService);
  if (!wanted) return { shutdown: async () => {} };
  const { otelMetrics } = await import("./telemetry-metrics.js");
  return otelMetrics(await openOtlpMeter(wanted, "mcp-toolkit", version, env, warn), stats);
}
