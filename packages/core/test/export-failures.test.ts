import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import { describe, expect, it } from "vitest";
import { collectorAdvice, warnOnFirstFailure } from "../src/export-failures.js";
import { startTracing } from "../src/telemetry.js";
import { startRefusingCollector } from "./otlp-receiver.js";

const URL = "http://127.0.0.1:4318/v1/traces";

/** An exporter that answers each batch with the next result of `results`. */
function scripted(results: ExportResult[]) {
  const sent: string[][] = [];
  return {
    sent,
    export(items: string[], done: (result: ExportResult) => void) {
      sent.push(items);
      done(results.shift() ?? { code: ExportResultCode.SUCCESS });
    },
  };
}

const failed = (message: string): ExportResult => ({ code: ExportResultCode.FAILED, error: new Error(message) });

/** One span exported by real tracing to a collector on 127.0.0.1 that answers `status`: the lines said about it. */
async function spanRefusedBy(status: number, retryAfter?: string) {
  const endpoint = await startRefusingCollector(status, retryAfter);
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" };
  const lines: string[] = [];
  const traces = await startTracing(env, "mcp-test", "0.0.0", (line) => lines.push(line));
  traces.startSpan("tools/call echo").end();
  // The last batch failing makes the shutdown fail too; what was said is the point here.
  await traces.shutdown().catch(() => {});
  return { endpoint, lines };
}

describe("warnOnFirstFailure", () => {
  it("asks to check the variable the endpoint came from", () => {
    const lines: string[] = [];
    const exporter = warnOnFirstFailure(
      scripted([failed("Not Found")]),
      "spans",
      URL,
      (line) => lines.push(line),
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    );
    exporter.export(["a"], () => {});
    expect(lines).toEqual([
      expect.stringContaining("(Not Found); check OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and the collector"),
    ]);
  });

  it("says once that exports fail, naming the URL and why, and still hands every result back", () => {
    const lines: string[] = [];
    const inner = scripted([failed("connect ECONNREFUSED 127.0.0.1:4318"), failed("again"), failed("and again")]);
    const exporter = warnOnFirstFailure(inner, "spans", URL, (line) => lines.push(line));
    const results: ExportResult[] = [];
    for (const batch of [["a"], ["b"], ["c"]]) exporter.export(batch, (result) => results.push(result));
    expect(lines).toEqual([
      `could not export spans to ${URL} (connect ECONNREFUSED 127.0.0.1:4318); check OTEL_EXPORTER_OTLP_ENDPOINT and the collector (said once)`,
    ]);
    expect(inner.sent).toEqual([["a"], ["b"], ["c"]]);
    expect(results.map((r) => r.code)).toEqual([
      ExportResultCode.FAILED,
      ExportResultCode.FAILED,
      ExportResultCode.FAILED,
    ]);
  });

  it("says nothing while exports succeed, and a failure without an error still gets a line", () => {
    const lines: string[] = [];
    const exporter = warnOnFirstFailure(
      scripted([{ code: ExportResultCode.SUCCESS }, { code: ExportResultCode.FAILED }]),
      "metrics",
      URL,
      (line) => lines.push(line),
    );
    exporter.export(["a"], () => {});
    expect(lines).toEqual([]);
    exporter.export(["b"], () => {});
    expect(lines).toEqual([expect.stringContaining(`could not export metrics to ${URL} (no reason given)`)]);
  });

  it("leaves the exporter as it is when there is no one to tell", () => {
    const inner = scripted([]);
    const send = inner.export;
    expect(warnOnFirstFailure(inner, "spans", URL).export).toBe(send);
  });

  it("says a throttling collector's 429 and Retry-After, and that the batch was dropped, from a real exporter", async () => {
    const { endpoint, lines } = await spanRefusedBy(429, "30");
    expect(lines).toEqual([
      `could not export spans to ${endpoint}/v1/traces: the collector answered the last try with 429 Too Many Requests (throttling), asking to retry after 30 s; the exporter retries a batch only within its export timeout, so it dropped this one (later ones are still sent); check OTEL_EXPORTER_OTLP_ENDPOINT and the collector (said once)`,
    ]);
  });
});

describe("collectorAdvice", () => {
  it.each<[string, number | undefined, string, RegExp]>([
    ["no answer", undefined, "spans", /^check OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and the collector$/],
    ["404", 404, "spans", /^check OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and the collector$/],
    ["503", 503, "metrics", /^check OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and the collector$/],
    ["401", 401, "spans", /^check the credentials in OTEL_EXPORTER_OTLP_HEADERS/],
    ["403", 403, "metrics", /^check the credentials in OTEL_EXPORTER_OTLP_HEADERS/],
    [
      "413 of spans",
      413,
      "spans",
      /max_request_body_size\) or send fewer spans a batch with OTEL_BSP_MAX_EXPORT_BATCH_SIZE/,
    ],
    [
      "413 of metrics",
      413,
      "metrics",
      /raise its request size limit \(an OpenTelemetry Collector's max_request_body_size\)$/,
    ],
  ])("%s", (_, status, what, advice) => {
    expect(collectorAdvice(status, what, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")).toMatch(advice);
  });

  it("a collector refusing a batch as too large is told as such, not as a wrong endpoint, from a real exporter", async () => {
    const { endpoint, lines } = await spanRefusedBy(413);
    expect(lines).toEqual([
      `could not export spans to ${endpoint}/v1/traces: the collector answered 413 Payload Too Large, so the batch was dropped; the batch is larger than the collector takes: raise its request size limit (an OpenTelemetry Collector's max_request_body_size) or send fewer spans a batch with OTEL_BSP_MAX_EXPORT_BATCH_SIZE (default 512) (said once)`,
    ]);
  });
});
