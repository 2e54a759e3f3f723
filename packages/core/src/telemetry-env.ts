// What the standard OTEL_* variables ask for, read once at start-up: whether to export traces and metrics, where, in
// which protocol, and as which service. Pure: the environment comes in as an argument, and a setting we cannot
// honour is one UsageError line. Nothing here loads OpenTelemetry (telemetry.ts does that only when this says so).
import { UsageError } from "./cli-options.js";
import { otlpHeadersProblem, percentDecoded } from "./otlp-headers.js";
import { type Propagation, propagationFrom } from "./propagation.js";
import { type TraceSampler, traceSamplerFrom } from "./trace-sampler.js";
import { MAX_TIMER_MS } from "./whole-number.js";

/** What the OTEL_* variables ask for: where to export one signal (spans or metrics), how, and as which service. */
export interface OtlpExport {
  endpoint: string;
  protocol: "http/protobuf" | "http/json";
  serviceName: string;
  /** The endpoint already names the signal's path (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); else /v1/<signal> is added. */
  signalEndpoint: boolean;
  /** The variable the endpoint came from, for messages that ask to check it. */
  endpointVariable: string;
  /** OTEL_RESOURCE_ATTRIBUTES (`service.instance.id=replica-1,…`): what tells replicas of one service apart. */
  resourceAttributes: Record<string, string>;
}

/** Where traces go, which are kept (OTEL_TRACES_SAMPLER), and how their context travels (OTEL_PROPAGATORS). */
export interface TraceExport extends OtlpExport {
  sampler: TraceSampler;
  propagation: Propagation;
}

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
  const ownVariable = `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`;
  const own = env[ownVariable]?.trim();
  const endpoint = own || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return null;
  const endpointVariable = own ? ownVariable : "OTEL_EXPORTER_OTLP_ENDPOINT";
  const problem = endpointProblem(endpoint);
  if (problem) throw new UsageError(`${endpointVariable} must be an http:// or https:// URL (${problem})`);
  const ownProtocol = `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`;
  const protocolVariable = env[ownProtocol] === undefined ? "OTEL_EXPORTER_OTLP_PROTOCOL" : ownProtocol;
  const protocol = env[protocolVariable]?.trim().toLowerCase() || "http/protobuf";
  if (protocol !== "http/protobuf" && protocol !== "http/json") {
    throw new UsageError(`${protocolVariable} must be http/protobuf or http/json, got "${protocol}"`);
  }
  for (const name of ["OTEL_EXPORTER_OTLP_HEADERS", `OTEL_EXPORTER_OTLP_${signal}_HEADERS`]) {
    const problem = otlpHeadersProblem(name, env[name]);
    if (problem) throw new UsageError(problem);
  }
  const resourceAttributes = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES);
  return {
    endpoint,
    protocol,
    // As the specification orders them: OTEL_SERVICE_NAME, then a service.name among the resource attributes.
    serviceName: env.OTEL_SERVICE_NAME?.trim() || resourceAttributes["service.name"] || defaultService,
    signalEndpoint: Boolean(own),
    endpointVariable,
    resourceAttributes,
  };
}

/**
 * What is wrong with an OTLP/HTTP endpoint, or undefined. `localhost:4318` parses as a URL of scheme `localhost:`, and
 * would fail only at the first export; the exporters speak http and https alone.
 */
export function endpointProblem(endpoint: string): string | undefined {
  if (!URL.canParse(endpoint)) return `got "${shownUrl(endpoint)}"`;
  const { protocol } = new URL(endpoint);
  if (protocol === "http:" || protocol === "https:") return undefined;
  return `got "${shownUrl(endpoint)}", of scheme ${protocol.slice(0, -1)}; a collector's OTLP/HTTP port is e.g. http://localhost:4318`;
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
    const value = percentDecoded(pair.slice(pair.indexOf("=") + 1).trim());
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
  return at > 0 ? percentDecoded(pair.slice(0, at).trim()) || undefined : undefined;
}

/** Whether and where to export spans (see otlpExportFrom), and which to keep; a sampler we cannot honour stops start-up. */
export function traceExportFrom(env: Record<string, string | undefined>, defaultService: string): TraceExport | null {
  const wanted = otlpExportFrom(env, "TRACES", defaultService);
  return wanted ? { ...wanted, sampler: traceSamplerFrom(env), propagation: propagationFrom(env) } : null;
}

/** Whether and where to export metrics (see otlpExportFrom); a bad OTEL_METRIC_EXPORT_INTERVAL stops start-up too. */
export function metricExportFrom(env: Record<string, string | undefined>, defaultService: string): OtlpExport | null {
  const wanted = otlpExportFrom(env, "METRICS", defaultService);
  if (wanted) metricIntervalMs(env);
  return wanted;
}

/** OTEL_METRIC_EXPORT_INTERVAL's default, as the SDK specification gives it. */
const DEFAULT_INTERVAL_MS = 60_000;

/**
 * Milliseconds between metric exports: OTEL_METRIC_EXPORT_INTERVAL, a whole number of ms up to MAX_TIMER_MS, or 60000.
 * A longer one would not mean "rarely": Node runs the export timer every 1 ms instead.
 */
export function metricIntervalMs(env: Record<string, string | undefined>): number {
  const text = env.OTEL_METRIC_EXPORT_INTERVAL?.trim();
  if (!text) return DEFAULT_INTERVAL_MS;
  const ms = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms > MAX_TIMER_MS) {
    throw new UsageError(
      `OTEL_METRIC_EXPORT_INTERVAL must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, e.g. 60000, got "${text}"`,
    );
  }
  return ms;
}

/** The OTLP URL of a signal: the signal's own endpoint as given, or the general one with /v1/<signal> added. */
export function signalUrl(settings: OtlpExport, path: "traces" | "metrics"): string {
  return settings.signalEndpoint ? settings.endpoint : `${settings.endpoint.replace(/\/+$/, "")}/v1/${path}`;
}

/**
 * A URL as messages show it: user info (`https://user:token@collector`, which the exporter sends as Basic auth) as
 * `***`, so the start-up line and the warnings put no credential in the logs.
 */
export function shownUrl(url: string): string {
  // One that does not parse may still hold user info: what lies between `//` and an `@` is hidden the same way.
  if (!URL.canParse(url)) return url.replace(/\/\/[^/?#]*@/, "//***@");
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return url;
  parsed.username = "***";
  parsed.password = "";
  return parsed.href;
}

/**
 * The start-up line that says where OpenTelemetry export goes ("spans to …/v1/traces and metrics to …/v1/metrics
 * (http/protobuf) as mcp-sqlite"), or undefined when neither signal is exported.
 */
export function describeExports(env: Record<string, string | undefined>, defaultService: string): string | undefined {
  const spans = traceExportFrom(env, defaultService);
  const metrics = metricExportFrom(env, defaultService);
  const parts = [
    spans ? `spans to ${shownUrl(signalUrl(spans, "traces"))}` : undefined,
    metrics ? `metrics to ${shownUrl(signalUrl(metrics, "metrics"))}` : undefined,
  ].filter((part) => part !== undefined);
  const first = spans ?? metrics;
  if (!first) return undefined;
  const protocols = [...new Set([spans?.protocol, metrics?.protocol].filter(Boolean))].join(", ");
  return `OpenTelemetry: exporting ${parts.join(" and ")} (${protocols}) as ${first.serviceName}`;
}
