// Prometheus metrics, fed by the same ToolStats feed as the stats resource, and loaded (with prom-client) only when
// a server is asked to serve them. The MCP semantic conventions' duration in its Prometheus form, then our own
// series under one prefix, then Node's process metrics under their usual names.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { MCP_DURATION_BUCKETS } from "./telemetry.js";
import { outcomeErrorType } from "./tool-outcome.js";
import type { RequestVia, ToolStats } from "./tool-stats.js";

/** Our own series all start with this. */
export const METRIC_PREFIX = "mcp_toolkit_";

/** A server's metrics: scrape them as Prometheus text. */
export interface ServerMetrics {
  readonly contentType: string;
  scrape(): Promise<string>;
  /** Stop recording (the stats feed is left). */
  close(): void;
}

/** Record `stats`' calls and refusals as Prometheus metrics, in a registry of their own. */
export function createMetrics(stats: ToolStats): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const operation = new Histogram({
    name: "mcp_server_operation_duration_seconds",
    help: "Duration of MCP requests and notifications the server handled, as the MCP semantic conventions define it.",
    labelNames: [
      "mcp_method_name",
      "gen_ai_tool_name",
      "gen_ai_prompt_name",
      "error_type",
      "mcp_protocol_version",
      "network_transport",
    ],
    buckets: [...MCP_DURATION_BUCKETS],
    registers,
  });
  const session = new Histogram({
    name: "mcp_server_session_duration_seconds",
    help: "Duration of MCP sessions (a stdio connection, a 2025-era HTTP session), as the MCP semantic conventions define it.",
    labelNames: ["mcp_protocol_version", "network_transport"],
    buckets: [...MCP_DURATION_BUCKETS],
    registers,
  });
  const calls = new Counter({
    name: `${METRIC_PREFIX}tool_calls_total`,
    help: "Tool calls finished, by tool and outcome (ok, error, refused, cancelled; unknown_tool, with no tool).",
    labelNames: ["tool", "outcome"],
    registers,
  });
  const duration = new Histogram({
    name: `${METRIC_PREFIX}tool_call_duration_seconds`,
    help: "Tool call latency by tool.",
    labelNames: ["tool"],
    buckets: [...MCP_DURATION_BUCKETS],
    registers,
  });
  const inFlight = new Gauge({
    name: `${METRIC_PREFIX}tool_calls_in_flight`,
    help: "Tool calls running now, by tool.",
    labelNames: ["tool"],
    registers,
  });
  const refusals = new Counter({
    name: `${METRIC_PREFIX}refusals_total`,
    // The causes as they are counted, so the help Prometheus and Grafana show names label values that exist.
    help: "Requests and calls refused by a policy or a limit, by cause (sandbox, hidden, read_only, sql_policy, address_policy, declined, unauthorized, forbidden, rate_limited, size, timeout, …).",
    labelNames: ["cause"],
    registers,
  });
  const bytes = new Counter({
    name: `${METRIC_PREFIX}result_bytes_total`,
    help: "Bytes of tool results returned (their JSON), by tool.",
    labelNames: ["tool"],
    registers,
  });
  collectDefaultMetrics({ register: registry });

  const unsubscribe = stats.subscribe({
    started: (tool) => inFlight.inc({ tool }),
    ended: (tool) => inFlight.dec({ tool }),
    call(tool, ms, outcome, size, via) {
      const seconds = ms / 1000;
      operation.observe(
        {
          mcp_method_name: "tools/call",
          gen_ai_tool_name: tool,
          error_type: outcomeErrorType(outcome) ?? "",
          ...viaLabels(via),
        },
        seconds,
      );
      calls.inc({ tool, outcome });
      duration.observe({ tool }, seconds);
      bytes.inc({ tool }, size);
    },
    refusal: (cause) => refusals.inc({ cause }),
    // No tool label (the name is the client's): an empty label, which Prometheus takes as none.
    unknownTool(ms, errorType, via) {
      operation.observe(
        { mcp_method_name: "tools/call", gen_ai_tool_name: "", error_type: errorType, ...viaLabels(via) },
        ms / 1000,
      );
      calls.inc({ tool: "", outcome: "unknown_tool" });
    },
    operation({ method, ms, errorType, prompt, ...via }) {
      operation.observe(
        { mcp_method_name: method, gen_ai_prompt_name: prompt ?? "", error_type: errorType ?? "", ...viaLabels(via) },
        ms / 1000,
      );
    },
    session({ seconds, protocolVersion, transport }) {
      session.observe({ mcp_protocol_version: protocolVersion ?? "", network_transport: transport }, seconds);
    },
  });
  return {
    contentType: registry.contentType,
    scrape: () => registry.metrics(),
    close: unsubscribe,
  };
}

/** A request's revision and transport as labels; empty (Prometheus's none) where not known. */
function viaLabels(via: RequestVia | undefined): { mcp_protocol_version: string; network_transport: string } {
  return { mcp_protocol_version: via?.protocolVersion ?? "", network_transport: via?.transport ?? "" };
}
