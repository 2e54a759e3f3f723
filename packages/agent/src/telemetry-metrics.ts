// The agent's OpenTelemetry metrics over OTLP, loaded (from telemetry.ts) only when the OTEL_* variables turn metric
// export on: the MCP conventions' client operation duration per tool call, and the GenAI conventions' token usage
// per model turn.

import { type OtlpExport, signalUrl } from "@mcp-toolkit/core";
import { OTLPMetricExporter as JsonExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter as ProtoExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import type { AgentMetrics } from "./telemetry.js";

/** The conventions' recommended bounds for MCP operation durations, in seconds. */
const DURATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
/** The GenAI conventions' recommended bounds for token counts. */
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** OTEL_METRIC_EXPORT_INTERVAL's default, as the SDK specification gives it. */
const DEFAULT_INTERVAL_MS = 60_000;

/** Record the agent's tool calls and token usage and export them periodically, and on shutdown. */
export function otelAgentMetrics(
  settings: OtlpExport,
  version: string,
  env: Record<string, string | undefined>,
): AgentMetrics {
  const url = signalUrl(settings, "metrics");
  const exporter = settings.protocol === "http/json" ? new JsonExporter({ url }) : new ProtoExporter({ url });
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: Number.isSafeInteger(interval) && interval > 0 ? interval : DEFAULT_INTERVAL_MS,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ "service.name": settings.serviceName, "service.version": version }),
    readers: [reader],
  });
  const meter = provider.getMeter("mcp-agent", version);
  const operation = meter.createHistogram("mcp.client.operation.duration", {
    unit: "s",
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    description: "Duration of MCP requests the agent sent (tools/call).",
  });
  const tokens = meter.createHistogram("gen_ai.client.token.usage", {
    unit: "{token}",
    advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    description: "Tokens used per model turn, by type (input, output).",
  });
  return {
    enabled: true,
    toolCall(server, tool, seconds, errorType) {
      operation.record(seconds, {
        "mcp.method.name": "tools/call",
        "gen_ai.tool.name": tool,
        "mcp_toolkit.server": server,
        ...(errorType ? { "error.type": errorType } : {}),
      });
    },
    turn(model, input, output) {
      const common = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": model,
      };
      tokens.record(input, { ...common, "gen_ai.token.type": "input" });
      tokens.record(output, { ...common, "gen_ai.token.type": "output" });
    },
    shutdown: () => provider.shutdown(),
  };
}
