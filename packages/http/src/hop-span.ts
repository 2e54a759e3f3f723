import { type SpanHandle, tracing } from "@mcp-toolkit/core";
import { sendsTrace, traceHeaders } from "./trace-hosts.js";

/**
 * A client span for one upstream hop (its retries included), as the OpenTelemetry HTTP conventions name it: the
 * method, the URL without its query, fragment or credentials (they can carry tokens), the status and the resend
 * count. A no-op when tracing is off.
 */
export function startHopSpan(method: string, url: URL): SpanHandle {
  const traces = tracing();
  if (!traces.enabled) return traces.startSpan(method);
  return traces.startSpan(method, {
    kind: "client",
    attributes: {
      "http.request.method": method,
      "url.full": redactedUrl(url),
      "server.address": url.hostname,
      "server.port": Number(url.port) || (url.protocol === "https:" ? 443 : 80),
    },
  });
}

/** `url` with no user, password, query or fragment: what a span may show of where a request went. */
export function redactedUrl(url: URL): string {
  const shown = new URL(url.href);
  shown.username = "";
  shown.password = "";
  shown.search = "";
  shown.hash = "";
  return shown.href;
}

/**
 * The trace headers for a hop to `url` (trace-hosts.ts): the hop span's context, so the upstream's own span is its
 * child, when tracing is on and the host is one of `traceHosts`; none otherwise, at no cost when tracing is off.
 */
export function hopTraceHeaders(
  span: SpanHandle,
  url: URL,
  given: Readonly<Record<string, string>>,
  traceHosts: readonly string[] | undefined,
): Record<string, string> | undefined {
  const traces = tracing();
  if (!traces.enabled || !traceHosts || !sendsTrace(url, traceHosts)) return undefined;
  return traceHeaders(
    given,
    span.within(() => traces.injectMeta()),
    traces.fields,
  );
}
