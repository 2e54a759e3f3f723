import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { metricsFromProtobuf, tracesFromProtobuf } from "./otlp-proto.js";

// An OTLP/HTTP trace receiver on 127.0.0.1 for the tracing tests: it takes what the built servers' OpenTelemetry
// exporters send, as OTLP JSON (OTEL_EXPORTER_OTLP_PROTOCOL=http/json) or protobuf (the default), and keeps the spans
// and metric points, flattened.

/** One received span, its attributes as plain values and the service that sent it. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  service: string;
  attributes: Record<string, AttributeValue>;
  status: { code?: number };
  /** The other traces the span is linked to. */
  links?: { traceId: string; spanId: string }[];
}

interface OtlpValue {
  arrayValue?: { values?: OtlpValue[] };
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: (Omit<ReceivedSpan, "attributes" | "service"> & { attributes?: OtlpAttribute[] })[];
    }[];
  }[];
}

/** An attribute's value: a scalar, or a list of them (`gen_ai.response.finish_reasons`). */
export type AttributeValue = string | number | boolean | (string | number | boolean)[];

function plain(value: OtlpValue): AttributeValue {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map((item) => plain(item) as string | number | boolean);
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue ?? "";
}

function attributesOf(list: OtlpAttribute[] = []): Record<string, AttributeValue> {
  return Object.fromEntries(list.map((a) => [a.key, plain(a.value)]));
}

/** One data point of an exported metric: its attributes, and its count (histogram) or value (sum, gauge). */
export interface MetricPoint {
  service: string;
  attributes: Record<string, AttributeValue>;
  value: number;
  /** A histogram's sum of what it recorded. */
  sum?: number;
}

interface OtlpMetrics {
  resourceMetrics?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeMetrics?: {
      metrics?: {
        name: string;
        unit?: string;
        histogram?: { dataPoints?: { attributes?: OtlpAttribute[]; count?: string | number; sum?: number }[] };
        sum?: { dataPoints?: { attributes?: OtlpAttribute[]; asInt?: string | number; asDouble?: number }[] };
      }[];
    }[];
  }[];
}

/** The receiver: its endpoint for OTEL_EXPORTER_OTLP_ENDPOINT, the spans so far, and a wait for some to arrive. */
export interface OtlpReceiver {
  endpoint: string;
  /** Every raw request body, to search for what must never be exported. */
  bodies: string[];
  /** The Content-Type of each export, in order. */
  contentTypes: string[];
  spans: ReceivedSpan[];
  /** The latest exported points of each metric, by name (exports are cumulative: the last one is the total). */
  metrics: Map<string, MetricPoint[]>;
  /** Each metric's unit, by name ("" when it has none). */
  units: Map<string, string>;
  /** Resolves once `test` holds for the spans received (polled as exports arrive). */
  waitFor(test: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]>;
}

/** Start a receiver for this test; it is stopped after the test. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics = new Map<string, MetricPoint[]>();
  const units = new Map<string, string>();
  const bodies: string[] = [];
  const contentTypes: string[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString("utf8");
      bodies.push(text);
      const protobuf = req.headers["content-type"] === "application/x-protobuf";
      contentTypes.push(req.headers["content-type"] ?? "");
      if (req.url === "/v1/traces") {
        const body = (protobuf ? tracesFromProtobuf(raw) : JSON.parse(text)) as OtlpExport;
        for (const rs of body.resourceSpans ?? []) {
          const service = String(attributesOf(rs.resource?.attributes)["service.name"] ?? "");
          for (const ss of rs.scopeSpans ?? []) {
            for (const span of ss.spans ?? [])
              spans.push({ ...span, service, attributes: attributesOf(span.attributes) });
          }
        }
      }
      if (req.url === "/v1/metrics") {
        const body = (protobuf ? metricsFromProtobuf(raw) : JSON.parse(text)) as OtlpMetrics;
        for (const rm of body.resourceMetrics ?? []) {
          const service = String(attributesOf(rm.resource?.attributes)["service.name"] ?? "");
          for (const metric of (rm.scopeMetrics ?? []).flatMap((sm) => sm.metrics ?? [])) {
            const histogram = (metric.histogram?.dataPoints ?? []).map((p) => ({
              service,
              attributes: attributesOf(p.attributes),
              value: Number(p.count ?? 0),
              ...(p.sum === undefined ? {} : { sum: p.sum }),
            }));
            const sum = (metric.sum?.dataPoints ?? []).map((p) => ({
              service,
              attributes: attributesOf(p.attributes),
              value: Number(p.asInt ?? p.asDouble ?? 0),
            }));
            metrics.set(metric.name, [...histogram, ...sum]);
            units.set(metric.name, metric.unit ?? "");
          }
        }
      }
      // An empty message is a protobuf ExportTraceServiceResponse with nothing rejected.
      if (protobuf) res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      else res.writeHead(200, { "content-type": "application/json" }).end("{}");
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bodies,
    contentTypes,
    spans,
    metrics,
    units,
    waitFor(test) {
      return new Promise((resolve) => {
        const check = () => {
          if (!test(spans)) return;
          waiters.delete(check);
          resolve(spans);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * An OTLP endpoint on 127.0.0.1 that takes each request and never answers it, as a hung collector does: its
 * `http://127.0.0.1:port`. It is stopped after the test.
 */
export function startSilentCollector(): Promise<string> {
  return startCollector((req) => req.resume());
}

/**
 * An OTLP endpoint on 127.0.0.1 that refuses every export with `status` (and a Retry-After of `retryAfter` when given),
 * as a throttling or overloaded collector does: its `http://127.0.0.1:port`. It is stopped after the test.
 */
export function startRefusingCollector(status: number, retryAfter?: string): Promise<string> {
  return startCollector((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(status, retryAfter === undefined ? {} : { "retry-after": retryAfter }).end());
  });
}

/** A collector on 127.0.0.1 answering with `handle`, stopped after the test: its `http://127.0.0.1:port`. */
async function startCollector(handle: RequestListener): Promise<string> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The environment that makes a built server export its spans to `receiver` as OTLP JSON, promptly. */
export function otelEnv(receiver: OtlpReceiver): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_BSP_SCHEDULE_DELAY: "50",
  };
}

/** A W3C traceparent for a caller's span, as the agent would put in `params._meta`. */
export function callerTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const hex = (n: number) =>
    [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}
