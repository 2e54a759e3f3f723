import { metricExportFrom, TELEMETRY_FLUSH_MS, traceExportFrom } from "@mcp-toolkit/core";

/** How long a stopping server has before SIGKILL, when it exports no telemetry. */
export const STOP_GRACE_MS = 1500;

/**
 * How long a server started with `env` has to stop before SIGKILL: one that exports spans or metrics (an OTLP
 * endpoint in its environment) sends its last ones as it stops, for up to TELEMETRY_FLUSH_MS, and is not cut short.
 */
export function stopGraceMs(env: Record<string, string | undefined>): number {
  let exports = false;
  try {
    exports = traceExportFrom(env, "server") !== null || metricExportFrom(env, "server") !== null;
  } catch {
    // Settings the server refuses: it stops at start-up, with nothing to flush.
  }
  return exports ? TELEMETRY_FLUSH_MS + 500 : STOP_GRACE_MS;
}
