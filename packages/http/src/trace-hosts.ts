// Which upstream requests carry the caller's trace context. Injecting W3C `traceparent` (and whatever else
// OTEL_PROPAGATORS names) lets a team follow a request from the model's turn into its own APIs, but every header goes
// to the host the model picked: a trace id sent to an arbitrary third party tells it which requests belong together,
// and `baggage` may carry what the caller put there. So it is sent only to the hosts the operator lists (traceHosts),
// and only while tracing is on. Pure: the hop's URL, the call's headers and the context to inject come in.
import { effectivePort } from "./host-name.js";
import { matchesAllowlist } from "./url-policy.js";

/** Whether a hop to `url` carries the trace context: its host (and port) matches one of `patterns` (traceHosts). */
export function sendsTrace(url: URL, patterns: readonly string[]): boolean {
  return patterns.length > 0 && matchesAllowlist(url.hostname, effectivePort(url), patterns);
}

/**
 * The trace headers a hop adds to the call's own (`given`, lower-cased): `injected`, unless the call set one of the
 * headers the propagators in force use (`fields`: `traceparent`, `tracestate`, `baggage`, B3's, Jaeger's). Then
 * none: a trace context the model chose (to reproduce a trace, say) is sent as it is, not mixed with ours.
 */
export function traceHeaders(
  given: Readonly<Record<string, string>>,
  injected: Readonly<Record<string, string>>,
  fields: readonly string[],
): Record<string, string> {
  return fields.some((name) => name in given) ? {} : { ...injected };
}
