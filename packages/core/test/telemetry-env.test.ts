import { describe, expect, it } from "vitest";
import { UsageError } from "../src/cli-options.js";
import {
  describeExports,
  metricExportFrom,
  metricIntervalMs,
  parseResourceAttributes,
  resourceAttributeKey,
  shownUrl,
  traceExportFrom,
} from "../src/telemetry-env.js";

const ENDPOINT = "http://127.0.0.1:4318";
const DEFAULT_SAMPLER = { name: "parentbased_always_on", parentBased: true, ratio: 1 };
const DEFAULT_PROPAGATION = { names: ["tracecontext", "baggage"], unknown: [] };

describe("traceExportFrom", () => {
  it.each([
    [{}, null],
    [{ OTEL_SERVICE_NAME: "x" }, null],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: "true" }, null],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: "none" }, null],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT },
      {
        endpoint: ENDPOINT,
        protocol: "http/protobuf",
        serviceName: "mcp-test",
        signalEndpoint: false,
        endpointVariable: "OTEL_EXPORTER_OTLP_ENDPOINT",
        resourceAttributes: {},
        sampler: DEFAULT_SAMPLER,
        propagation: DEFAULT_PROPAGATION,
      },
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_SERVICE_NAME: "mine" },
      {
        endpoint: ENDPOINT,
        protocol: "http/json",
        serviceName: "mine",
        signalEndpoint: false,
        endpointVariable: "OTEL_EXPORTER_OTLP_ENDPOINT",
        resourceAttributes: {},
        sampler: DEFAULT_SAMPLER,
        propagation: DEFAULT_PROPAGATION,
      },
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ENDPOINT}/custom`, OTEL_SDK_DISABLED: "false" },
      {
        endpoint: `${ENDPOINT}/custom`,
        protocol: "http/protobuf",
        serviceName: "mcp-test",
        signalEndpoint: true,
        endpointVariable: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        resourceAttributes: {},
        sampler: DEFAULT_SAMPLER,
        propagation: DEFAULT_PROPAGATION,
      },
    ],
  ])("%j → %j", (env, expected) => {
    expect(traceExportFrom(env, "mcp-test")).toEqual(expected);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, /http\/protobuf or http\/json/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: "zipkin" }, /otlp or none/],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" },
      /^OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL/,
    ],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" }, /of scheme localhost; .* e\.g\. http:\/\/localhost:4318/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://127.0.0.1:4317" }, /of scheme grpc/],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "not a url" }, /^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be/],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc" },
      /^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http\/protobuf or http\/json, got "grpc"/,
    ],
  ])("refuses %j at start-up in one line", (env, message) => {
    expect(() => traceExportFrom(env, "mcp-test")).toThrow(UsageError);
    expect(() => traceExportFrom(env, "mcp-test")).toThrow(message);
  });

  it("decides metrics apart: OTEL_METRICS_EXPORTER=none stops them alone, and their own endpoint is used as given", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_METRICS_EXPORTER: "none" };
    expect(metricExportFrom(env, "mcp-test")).toBeNull();
    expect(traceExportFrom(env, "mcp-test")).not.toBeNull();
    expect(metricExportFrom({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${ENDPOINT}/m` }, "mcp-test")).toMatchObject({
      endpoint: `${ENDPOINT}/m`,
      signalEndpoint: true,
    });
    expect(() =>
      metricExportFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_METRICS_EXPORTER: "prometheus" }, "x"),
    ).toThrow(/OTEL_METRICS_EXPORTER must be otlp or none/);
  });
});

describe("metricIntervalMs", () => {
  it.each([
    [undefined, 60000],
    ["", 60000],
    [" 5000 ", 5000],
    ["1", 1],
    ["2147483647", 2147483647],
  ])("%j → %j", (text, ms) => {
    expect(metricIntervalMs({ OTEL_METRIC_EXPORT_INTERVAL: text })).toBe(ms);
  });

  // Past 2147483647 ms Node's timer fires every 1 ms, so "rarely" would export a thousand times a second.
  it.each(["abc", "0", "-5", "1.5", "10s", "1e3", "2147483648", "99999999999", "99999999999999999999"])(
    "refuses %j at start-up in one line",
    (text) => {
      const env = { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_METRIC_EXPORT_INTERVAL: text };
      expect(() => metricExportFrom(env, "mcp-test")).toThrow(UsageError);
      expect(() => metricExportFrom(env, "mcp-test")).toThrow(
        `OTEL_METRIC_EXPORT_INTERVAL must be a whole number of milliseconds from 1 to 2147483647, e.g. 60000, got "${text}"`,
      );
    },
  );

  it("is not looked at when metrics are not exported", () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT,
      OTEL_METRICS_EXPORTER: "none",
      OTEL_METRIC_EXPORT_INTERVAL: "x",
    };
    expect(metricExportFrom(env, "mcp-test")).toBeNull();
  });
});

describe("parseResourceAttributes", () => {
  it.each([
    [undefined, {}],
    ["", {}],
    ["service.instance.id=replica-1", { "service.instance.id": "replica-1" }],
    [" a = 1 , b=two%2Cthree,,", { a: "1", b: "two,three" }],
    ["k=", { k: "" }],
    ["url=http://x/?a=b", { url: "http://x/?a=b" }],
  ])("%j → %j", (text, expected) => {
    expect(parseResourceAttributes(text)).toEqual(expected);
  });

  it.each(["replica-1", "=value", "a=1,b", "bad%zz=1"])("refuses %j at start-up in one line", (text) => {
    expect(() => parseResourceAttributes(text)).toThrow(/OTEL_RESOURCE_ATTRIBUTES must be key=value pairs/);
  });

  it.each<[string, string | undefined]>([
    ["service.name=agent", "service.name"],
    [" service%2Ename =agent", "service.name"],
    ["k=", "k"],
    ["a%3Db=c=d", "a=b"],
    ["%20=x", " "],
    ["replica-1", undefined],
    ["=value", undefined],
    [" =value", undefined],
    ["bad%zz=1", undefined],
  ])("the key of %j is %j, decoded as parseResourceAttributes decodes it", (pair, key) => {
    expect(resourceAttributeKey(pair)).toBe(key);
  });

  it("reaches the export settings, and names the service when OTEL_SERVICE_NAME does not", () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT,
      OTEL_RESOURCE_ATTRIBUTES: "service.name=db,service.instance.id=r2",
    };
    expect(traceExportFrom(env, "mcp-test")).toMatchObject({
      serviceName: "db",
      resourceAttributes: { "service.instance.id": "r2" },
    });
    expect(metricExportFrom({ ...env, OTEL_SERVICE_NAME: "mine" }, "mcp-test")).toMatchObject({ serviceName: "mine" });
  });
});

describe("shownUrl", () => {
  it.each([
    ["http://127.0.0.1:4318/v1/traces", "http://127.0.0.1:4318/v1/traces"],
    ["https://user:s3cret@otlp.example.com/v1/traces", "https://***@otlp.example.com/v1/traces"],
    ["https://s3cret@otlp.example.com", "https://***@otlp.example.com/"],
    ["https://:s3cret@otlp.example.com", "https://***@otlp.example.com/"],
    ["not a url", "not a url"],
    ["http://user:s3cret@[bad host/v1", "http://***@[bad host/v1"],
  ])("%j → %j", (url, shown) => {
    expect(shownUrl(url)).toBe(shown);
  });

  it("keeps an endpoint's credentials out of the start-up line and the start-up error", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "https://user:s3cret@otlp.example.com" };
    expect(describeExports(env, "mcp-sqlite")).toBe(
      "OpenTelemetry: exporting spans to https://***@otlp.example.com/v1/traces and metrics to https://***@otlp.example.com/v1/metrics (http/protobuf) as mcp-sqlite",
    );
    expect(() => traceExportFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://user:s3cret@h" }, "x")).toThrow(
      'got "ftp://***@h/", of scheme ftp',
    );
  });
});

describe("describeExports", () => {
  it.each<[Record<string, string>, string | undefined]>([
    [{}, undefined],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "true" }, undefined],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318/" },
      "OpenTelemetry: exporting spans to http://127.0.0.1:4318/v1/traces and metrics to http://127.0.0.1:4318/v1/metrics (http/protobuf) as mcp-sqlite",
    ],
    [
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/traces",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_SERVICE_NAME: "team-db",
      },
      "OpenTelemetry: exporting spans to http://collector:4318/traces (http/json) as team-db",
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_TRACES_EXPORTER: "none" },
      "OpenTelemetry: exporting metrics to http://127.0.0.1:4318/v1/metrics (http/protobuf) as mcp-sqlite",
    ],
  ])("%j → %j", (env, line) => {
    expect(describeExports(env, "mcp-sqlite")).toBe(line);
  });
});
