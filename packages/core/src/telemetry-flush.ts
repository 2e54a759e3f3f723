// The last spans and metrics go out as a process stops. A collector that takes the connection and never answers would
// hold the exit for the OTLP exporter's own timeout (10 s): a finished agent run, or a server being restarted, waiting
// on its telemetry. The flush gets a bound instead, and what it left undelivered is said in one line.
import { describeRefusal, lastRefusal } from "./collector-answers.js";
import { metricExportFrom, shownUrl, signalUrl, traceExportFrom } from "./telemetry-env.js";

/** The OTLP exporter's own time for one batch, retries included: a refusal older than that is not about it. */
const EXPORT_TIMEOUT_MS = 10_000;

/** How long a stopping process waits for its last spans and metrics to be taken by the collector. */
export const TELEMETRY_FLUSH_MS = 2000;

/** The shutdowns that send a process's last spans (its tracing) and metrics (its metric export). */
export interface LastExports {
  spans: () => Promise<void>;
  metrics: () => Promise<void>;
}

/**
 * Send the last spans and metrics at once, each whatever the other does, waiting at most `ms`. Resolves with the line
 * to print when some were not taken in time — naming them, where they were going and why — or undefined. An export
 * that failed outright has been said already (export-failures.ts), and is not said again.
 */
export async function flushTelemetry(
  exports: LastExports,
  env: Record<string, string | undefined>,
  defaultService: string,
  ms: number = TELEMETRY_FLUSH_MS,
): Promise<string | undefined> {
  const pending = new Set<keyof LastExports>(["spans", "metrics"]);
  const settle = (what: keyof LastExports) =>
    exports[what]()
      .catch(() => {})
      .finally(() => pending.delete(what));
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([Promise.all([settle("spans"), settle("metrics")]), bound]);
  clearTimeout(timer);
  if (pending.size === 0) return undefined;
  const spans = traceExportFrom(env, defaultService);
  const metrics = metricExportFrom(env, defaultService);
  const late = [
    pending.has("spans") && spans ? { what: "spans", url: signalUrl(spans, "traces"), settings: spans } : undefined,
    pending.has("metrics") && metrics
      ? { what: "metrics", url: signalUrl(metrics, "metrics"), settings: metrics }
      : undefined,
  ]
    .filter((part) => part !== undefined)
    .map((part) => ({ ...part, refusal: lastRefusal(part.url, EXPORT_TIMEOUT_MS + ms) }));
  if (late.length === 0) return undefined;
  const check = [...new Set(late.map((part) => part.settings.endpointVariable))].join(" and ");
  const named = (part: (typeof late)[number]) => `${part.what} to ${shownUrl(part.url)}`;
  // A collector that refuses the connection is retried by the exporter, so "down" reaches here as no answer too.
  if (late.every((part) => !part.refusal))
    return `the last ${late.map(named).join(" and ")} were not delivered: no answer from the collector within ${ms / 1000} s (it is down, hung or slow), and stopping does not wait longer; check ${check} and the collector`;
  // One that answered "not now" (429, 503) is being retried by the exporter as the process stops: say what it said.
  const said = late.map((part) =>
    part.refusal
      ? `${named(part)} (the collector answered ${describeRefusal(part.refusal)}, and the exporter was still retrying)`
      : `${named(part)} (no answer from the collector)`,
  );
  return `the last ${said.join(" and ")} were not delivered within ${ms / 1000} s, and stopping does not wait longer: they are dropped; check ${check} and the collector`;
}
