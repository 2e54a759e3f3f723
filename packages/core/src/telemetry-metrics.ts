// OpenTelemetry metrics over OTLP, loaded only when the OTEL_* variables turn export on (see telemetry.ts): the same
// figures as /metrics (metrics.ts), under the conventions' names, for servers without a port (stdio) to scrape.
import type { Attributes } from "@opentelemetry/api";
import { OTLPMetricExporter as JsonExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter as ProtoExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { warnOnFirstFailure } from "./export-failures.js";
import { MCP_DURATION_BUCKETS, type MetricExport, type OtlpMeter } from "./telemetry.js";
import { metricIntervalMs, type OtlpExport, signalUrl } from "./telemetry-env.js";
import { outcomeErrorType } from "./tool-outcome.js";
import type { RequestVia, ToolStats } from "./tool-stats.js";

/** A meter named `scope` whose figures go out over OTLP periodically, and on shutdown (see openOtlpMeter). */
export function otlpMeter(
  settings: OtlpExport,
  scope: string,
  version: string,
  env: Record<string, string | undefined>,
  warn?: (line: string) => void,
): OtlpMeter {
  const url = signalUrl(settings, "metrics");
  const exporter = warnOnFirstFailure(
    settings.protocol === "http/json" ? new JsonExporter({ url }) : new ProtoExporter({ url }),
    "metrics",
    url,
    warn,
    settings.endpointVariable,
  );
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: metricIntervalMs(env) });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      ...settings.resourceAttributes,
      "service.name": settings.serviceName,
      "service.version": version,
    }),
    readers: [reader],
  });
  return { meter: provider.getMeter(scope, version), shutdown: () => provider.shutdown() };
}

/** Record `stats`' calls and refusals on `otlp`'s meter; shutting down stops recording and sends the last figures. */
export function otelMetrics({ meter, shutdown }: OtlpMeter, stats: ToolStats): MetricExport {
  const seconds = { unit: "s", advice: { explicitBucketBoundaries: [...MCP_DURATION_BUCKETS] } };
  const operation = meter.createHistogram("mcp.server.operation.duration", {
    ...seconds,
    description: "Duration of MCP requests and notifications the server handled.",
  });
  const session = meter.createHistogram("mcp.server.session.duration", {
    ...seconds,
    description: "Duration of MCP sessions: a stdio connection, a 2025-era HTTP session.",
  });
  // Counts in UCUM's annotation form, as the conventions write them ({request}); a collector's Prometheus names drop it.
  const calls = meter.createCounter("mcp_toolkit.tool.calls", {
    unit: "{call}",
    description: "Tool calls finished, by outcome.",
  });
  const duration = meter.createHistogram("mcp_toolkit.tool.call.duration", { ...seconds, description: "Latency." });
  const inFlight = meter.createUpDownCounter("mcp_toolkit.tool.calls_in_flight", {
    unit: "{call}",
    description: "Calls running.",
  });
  const refusals = meter.createCounter("mcp_toolkit.refusals", {
    unit: "{refusal}",
    description: "Refusals by cause.",
  });
  const bytes = meter.createCounter("mcp_toolkit.result.bytes", { unit: "By", description: "Result bytes." });

  const unsubscribe = stats.subscribe({
    started: (tool) => inFlight.add(1, { tool }),
    ended: (tool) => inFlight.add(-1, { tool }),
    call(tool, ms, outcome, size, via) {
      const errorType = outcomeErrorType(outcome);
      operation.record(ms / 1000, {
        ...viaAttributes(via),
        "mcp.method.name": "tools/call",
        "gen_ai.tool.name": tool,
        // As on the span: a GenAI dashboard finds MCP tool calls among other tool executions by it.
        "gen_ai.operation.name": "execute_tool",
        ...(errorType ? { "error.type": errorType } : {}),
      });
      calls.add(1, { tool, outcome });
      duration.record(ms / 1000, { tool });
      bytes.add(size, { tool });
    },
    refusal: (cause) => refusals.add(1, { cause }),
    // No tool attribute: the name is the client's.
    unknownTool(ms, errorType, via) {
      operation.record(ms / 1000, {
        ...viaAttributes(via),
        "mcp.method.name": "tools/call",
        "error.type": errorType,
        "rpc.response.status_code": errorType,
      });
      calls.add(1, { outcome: "unknown_tool" });
    },
    // No resource URI, which the conventions leave to opt in: one series per URI read would have no bound.
    operation({ method, ms, errorType, prompt, ...via }) {
      operation.record(ms / 1000, {
        ...viaAttributes(via),
        "mcp.method.name": method,
        ...(prompt ? { "gen_ai.prompt.name": prompt } : {}),
        ...(errorType ? { "error.type": errorType, "rpc.response.status_code": errorType } : {}),
      });
    },
    session({ seconds, protocolVersion, transport }) {
      session.record(seconds, {
        "network.transport": transport,
        ...(protocolVersion ? { "mcp.protocol.version": protocolVersion } : {}),
      });
    },
  });
  return {
    async shutdown() {
      unsubscribe();
      await shutdown();
    },
  };
}

/** The conventions' `network.transport` and `mcp.protocol.version` of a request, as far as they are known. */
function viaAttributes(via: RequestVia | undefined): Attributes {
  if (!via) return {};
  return {
    "network.transport": via.transport,
    ...(via.protocolVersion ? { "mcp.protocol.version": via.protocolVersion } : {}),
  };
}
