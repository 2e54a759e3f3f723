// Tracing without a cost when it is off. OpenTelemetry is loaded (telemetry-sdk.ts) only when the standard OTEL_*
// variables ask for export; otherwise every span below is a no-op and not one OTel module is read, so start-up and
// call speed are unchanged. Like OpenTelemetry's own global provider, the tracing in force is one per process: the
// bin starts it once, and the serving layer and the servers' stages (a SQL statement, an upstream hop) read it.
import type { Meter } from "@opentelemetry/api";
import { UsageError } from "./cli-options.js";
import type { ToolStats } from "./tool-stats.js";

/** Attribute values a span carries: never a bound value, a credential or a body. */
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** A span being recorded: add attributes, mark it failed, end it. */
export interface SpanHandle {
  set(attributes: SpanAttributes): void;
  /** The span failed: `error.type` is set to `errorType` and its status to error. */
  fail(errorType: string, message?: string): void;
  /** End the span now, or at `at` (ms on the performance.now() clock) for work timed elsewhere. */
  end(at?: number): void;
}

/** Where a span sits: its kind, first attributes, and a remote parent (the W3C trace context from `_meta`). */
export interface SpanOptions {
  kind?: "server" | "client" | "internal";
  attributes?: SpanAttributes;
  parent?: { traceparent?: unknown; tracestate?: unknown };
  /** When the span began, in ms on the performance.now() clock, for work timed elsewhere; now by default. */
  startTime?: number;
}

/** The process's tracing: spans, or nothing at all when export is off. */
export interface Tracing {
  readonly enabled: boolean;
  /** Run `fn` inside a new span (a child of the current one, or of `options.parent`); a throw fails and ends it. */
  inSpan<T>(name: string, options: SpanOptions, fn: (span: SpanHandle) => Promise<T>): Promise<T>;
  /** Start a leaf span under the current one; the caller ends it. */
  startSpan(name: string, options?: SpanOptions): SpanHandle;
  /** Add attributes to the current span (the tool call's), if there is one. */
  annotate(attributes: SpanAttributes): void;
  /** Add `amount` to a numeric attribute of the current span (bytes read over several reads). */
  count(attribute: string, amount: number): void;
  /** The current trace context as `_meta` entries (`traceparent`, `tracestate`), for a request this process sends. */
  injectMeta(): Record<string, string>;
  /** Export what is buffered and stop; called on exit. */
  shutdown(): Promise<void>;
}

const noSpan: SpanHandle = { set() {}, fail() {}, end() {} };

/** Tracing that records nothing and loads nothing. */
export const noTracing: Tracing = {
  enabled: false,
  inSpan: (_name, _options, fn) => fn(noSpan),
  startSpan: () => noSpan,
  annotate() {},
  count() {},
  injectMeta: () => ({}),
  shutdown: async () => {},
};

let current: Tracing = noTracing;

/** The tracing in force in this process (no-op until a bin starts export). */
export function tracing(): Tracing {
  return current;
}

/** What the OTEL_* variables ask for: where to export one signal (spans or metrics), how, and as which service. */
export interface OtlpExport {
  endpoint: string;
  protocol: "http/protobuf" | "http/json";
  serviceName: string;
  /** The endpoint already names the signal's path (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); else /v1/<signal> is added. */
  signalEndpoint: boolean;
  /** OTEL_RESOURCE_ATTRIBUTES (`service.instance.id=replica-1,…`): what tells replicas of one service apart. */
  resourceAttributes: Record<string, string>;
}

/** Where traces go. */
export type TraceExport = OtlpExport;

/**
 * Decide from the standard variables whether to export a signal: on when an OTLP endpoint is set, unless
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER=none. A setting we cannot honour fails
 * start-up in one line.
 */
function otlpExportFrom(
  env: Record<string, string | undefined>,
  signal: "TRACES" | "METRICS",
  defaultService: string,
): OtlpExport | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return null;
  const exporterVariable = `OTEL_${signal}_EXPORTER`;
  const exporter = env[exporterVariable]?.trim().toLowerCase() || "otlp";
  if (exporter === "none") return null;
  if (exporter !== "otlp") throw new UsageError(`${exporterVariable} must be otlp or none, got "${exporter}"`);
  const own = env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`]?.trim();
  const endpoint = own || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return null;
  if (!URL.canParse(endpoint)) throw new UsageError(`OTEL_EXPORTER_OTLP_ENDPOINT must be a URL, got "${endpoint}"`);
  const protocol =
    (env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim().toLowerCase() ||
    "http/protobuf";
  if (protocol !== "http/protobuf" && protocol !== "http/json") {
    throw new UsageError(`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json, got "${protocol}"`);
  }
  const resourceAttributes = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES);
  return {
    endpoint,
    protocol,
    // As the specification orders them: OTEL_SERVICE_NAME, then a service.name among the resource attributes.
    serviceName: env.OTEL_SERVICE_NAME?.trim() || resourceAttributes["service.name"] || defaultService,
    signalEndpoint: Boolean(own),
    resourceAttributes,
  };
}

/**
 * OTEL_RESOURCE_ATTRIBUTES as the specification writes it: `key=value` pairs separated by commas, each part
 * percent-encoded. A value that is not that fails start-up, as the other OTEL_* settings do, rather than be dropped.
 */
export function parseResourceAttributes(text: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    if (!pair.trim()) continue;
    const key = resourceAttributeKey(pair);
    const value = decodedOrUndefined(pair.slice(pair.indexOf("=") + 1).trim());
    if (key === undefined || value === undefined) {
      throw new UsageError(
        `OTEL_RESOURCE_ATTRIBUTES must be key=value pairs separated by commas (e.g. service.instance.id=replica-1), got "${pair.trim()}"`,
      );
    }
    attributes[key] = value;
  }
  return attributes;
}

/**
 * The key of one `key=value` pair of OTEL_RESOURCE_ATTRIBUTES, percent-decoded (`service%2Ename` is service.name);
 * undefined when the pair has no key or it cannot be decoded.
 */
export function resourceAttributeKey(pair: string): string | undefined {
  const at = pair.indexOf("=");
  return at > 0 ? decodedOrUndefined(pair.slice(0, at).trim()) || undefined : undefined;
}

function decodedOrUndefined(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Whether and where to export spans (see otlpExportFrom). */
export function traceExportFrom(env: Record<string, string | undefined>, defaultService: string): TraceExport | null {
  return otlpExportFrom(env, "TRACES", defaultService);
}

/** Whether and where to export metrics (see otlpExportFrom). */
export function metricExportFrom(env: Record<string, string | undefined>, defaultService: string): OtlpExport | null {
  return otlpExportFrom(env, "METRICS", defaultService);
}

/** The OTLP URL of a signal: the signal's own endpoint as given, or the general one with /v1/<signal> added. */
export function signalUrl(settings: OtlpExport, path: "traces" | "metrics"): string {
  return settings.signalEndpoint ? settings.endpoint : `${settings.endpoint.replace(/\/+$/, "")}/v1/${path}`;
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
