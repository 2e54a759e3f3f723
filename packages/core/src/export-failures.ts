// OpenTelemetry drops a batch it could not send without a word (its diagnostics are off unless a logger is
// registered), so a collector that is down or a mistyped endpoint would leave an operator with no traces and no
// reason. Loaded only with the SDK (telemetry-sdk.ts, telemetry-metrics.ts).
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import { describeRefusal, lastRefusal, watchCollector } from "./collector-answers.js";
import { shownUrl } from "./telemetry-env.js";

/** What an OTLP exporter of spans or metrics has in common: a batch in, a result out. */
interface Exporter<T> {
  export(items: T, done: (result: ExportResult) => void): void;
}

/** The statuses the exporter retries, the same batch, until its export timeout. */
const RETRIED = new Set([429, 502, 503, 504]);

/** The exporter reports a batch's failure as soon as its last try is answered; an older answer is not about it. */
const ANSWER_ENDED_EXPORT_MS = 1000;

/**
 * `exporter`, saying through `warn` the first time an export to `url` fails, what failed — what the collector
 * answered, when it refused the batch, and that the batch was dropped — and that later failures are not repeated (a
 * down collector would otherwise write a line per batch), and the variable to check (the one the endpoint came from).
 * Without `warn`, `exporter` as it is.
 */
export function warnOnFirstFailure<T, E extends Exporter<T>>(
  exporter: E,
  what: string,
  url: string,
  warn?: (line: string) => void,
  variable = "OTEL_EXPORTER_OTLP_ENDPOINT",
): E {
  watchCollector(url);
  if (!warn) return exporter;
  let warned = false;
  const send = exporter.export.bind(exporter);
  exporter.export = (items: T, done: (result: ExportResult) => void) =>
    send(items, (result) => {
      if (result.code !== ExportResultCode.SUCCESS && !warned) {
        warned = true;
        const refusal = lastRefusal(url, ANSWER_ENDED_EXPORT_MS);
        const why = refusal
          ? RETRIED.has(refusal.status)
            ? `the collector answered the last try with ${describeRefusal(refusal)}; the exporter retries a batch only within its export timeout, so it dropped this one (later ones are still sent)`
            : `the collector answered ${describeRefusal(refusal)}, so the batch was dropped`
          : result.error?.message || "no reason given";
        const shown = refusal ? `: ${why}` : ` (${why})`;
        const advice = collectorAdvice(refusal?.status, what, variable);
        warn(`could not export ${what} to ${shownUrl(url)}${shown}; ${advice} (said once)`);
      }
      done(result);
    });
  return exporter;
}

/**
 * What to do about a failed export, by what the collector answered (`status`, none when it did not): the endpoint is
 * right when it answered 401/403 (the credentials) or 413 (a batch over its size limit), so those name what to change.
 */
export function collectorAdvice(status: number | undefined, what: string, variable: string): string {
  if (status === 401 || status === 403)
    return "check the credentials in OTEL_EXPORTER_OTLP_HEADERS (the collector's API key or token)";
  if (status === 413) {
    // Spans go in batches of OTEL_BSP_MAX_EXPORT_BATCH_SIZE; metrics go as one export of every series.
    const smaller =
      what === "spans" ? " or send fewer spans a batch with OTEL_BSP_MAX_EXPORT_BATCH_SIZE (default 512)" : "";
    return `the batch is larger than the collector takes: raise its request size limit (an OpenTelemetry Collector's max_request_body_size)${smaller}`;
  }
  return `check ${variable} and the collector`;
}
