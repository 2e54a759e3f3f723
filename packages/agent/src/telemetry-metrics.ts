// The agent's OpenTelemetry metrics over OTLP, loaded (from telemetry.ts) only when the OTEL_* variables turn metric
// export on: the MCP conventions' client operation duration per tool call, and the GenAI conventions' token usage
// per model call.

import { MCP_DURATION_BUCKETS, type OtlpExport, openOtlpMeter } from "@mcp-toolkit/core";
import { ATTR, TOKEN_USAGE, TOOL_CALL_DURATION } from "./metric-names.js";
import type { AgentMetrics } from "./telemetry.js";

/** The GenAI conventions' recommended bounds for token counts. */
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** Record the agent's tool calls and token usage and export them periodically, and on shutdown. */
export async function otelAgentMetrics(
  settings: OtlpExport,
  version: string,
  env: Record<string, string | undefined>,
  warn?: (line: string) => void,
): Promise<AgentMetrics> {
  const { meter, shutdown } = await openOtlpMeter(settings, "mcp-agent", version, env, warn);
  const operation = meter.createHistogram(TOOL_CALL_DURATION, {
    unit: "s",
    advice: { explicitBucketBoundaries: [...MCP_DURATION_BUCKETS] },
    description: "Duration of MCP requests the agent sent (tools/call).",
  });
  const tokens = meter.createHistogram(TOKEN_USAGE, {
    unit: "{token}",
    advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    description: "Tokens used per model call (each turn, and each sampling request), by type (input, output).",
  });
  return {
    enabled: true,
    toolCall(server, tool, seconds, errorType) {
      operation.record(seconds, {
        "mcp.method.name": "tools/call",
        "gen_ai.operation.name": "execute_tool",
        [ATTR.tool]: tool,
        [ATTR.server]: server,
        ...(errorType ? { [ATTR.errorType]: errorType } : {}),
      });
    },
    turn(model, input, output) {
      const common = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": model,
      };
      tokens.record(input, { ...common, [ATTR.tokenType]: "input" });
      tokens.record(output, { ...common, [ATTR.tokenType]: "output" });
    },
    shutdown,
  };
}
