// OpenTelemetry drops a batch it could not send without a word (its diagnostics are off unless a logger is
// registered), so a collector that is down or a mistyped endpoint would leave an operator with no traces and no
// reason. Loaded only with the SDK (telemetry-sdk.ts, telemetry-metrics.ts).
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";

/** What an OTLP exporter of spans or metrics has in common: a batch in, a result out. */
interface Exporter<T> {
  export(items: T, done: (result: ExportResult) => void): void;
}

/**
 * `exporter`, saying through `warn` the first time an export to `url` fails, what failed and that later failures
 * are not repeated (a down collector would otherwise write a line per batch), and the variable to check (the one
 * the endpoint came from). Without `warn`, `exporter` as it is.
 */
export function warnOnFirstFailure<T, E extends Exporter<T>>(
  exporter: E,
  what: string,
  url: string,
  warn?: (line: string) => void,
  variable = "OTEL_EXPORTER_OTLP_ENDPOINT",
): E {
  if (!warn) return exporter;
  let warned = false;
  const send = exporter.export.bind(exporter);
  exporter.export = (items: T, done: (result: ExportResult) => void) =>
    send(items, (result) => {
      if (result.code !== ExportResultCode.SUCCESS && !warned) {
        warned = true;
        const why = result.error?.message || "no reason given";
        warn(`could not export ${what} to ${url} (${why}); check ${variable} and the collector (said once)`);
      }
      done(result);
    });
  return exporter;
}
