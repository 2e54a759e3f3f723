import { describe, expect, it } from "vitest";
import { otlpHeadersProblem } from "../src/otlp-headers.js";
import { traceExportFrom } from "../src/telemetry-env.js";

const NAME = "OTEL_EXPORTER_OTLP_HEADERS";

describe("otlpHeadersProblem", () => {
  it.each([
    undefined,
    "",
    "x-api-key=abc123",
    " a = 1 , b=two%2Cthree,,",
    "authorization=Bearer abc",
    "authorization=Bearer%20abc",
    "authorization=Basic dXNlcjpwYXNz==",
    "x=a%3Bb",
  ])("takes %j", (text) => {
    expect(otlpHeadersProblem(NAME, text)).toBeUndefined();
  });

  it.each([
    ["Authorization: Bearer s3cret", "entry 1 is not key=value"],
    ["a=1,s3cret", "entry 2 is not key=value"],
    ["=s3cret", "entry 1 is not key=value"],
    ["Authorization: Bearer s3cret==", "entry 1 is not key=value: its key is not a header name"],
    ["a=1,x-api-key: s3cret=x", "entry 2 is not key=value: its key is not a header name"],
    ["s3cret%zz=x", "entry 1 has a % that is not percent-encoding"],
    ["x-api-key=", "entry 1 (x-api-key) has no value"],
    ["x-api-key=s3cret%zz", "entry 1 (x-api-key) has a % that is not percent-encoding"],
    ["cookie=a=s3cret;b=2", "entry 1 (cookie) has a ; in its value"],
  ])("refuses %j: %s, without showing a value", (text, why) => {
    const problem = otlpHeadersProblem(NAME, text);
    expect(problem).toContain(why);
    expect(problem).toMatch(/^OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas/);
    expect(problem).not.toContain("s3cret");
  });
});

describe("the headers at start-up", () => {
  const endpoint = "http://127.0.0.1:4318";

  it.each([
    { OTEL_EXPORTER_OTLP_HEADERS: "Authorization: Bearer x" },
    { OTEL_EXPORTER_OTLP_TRACES_HEADERS: "Authorization: Bearer x" },
  ])("stop it when export is on (%j)", (headers) => {
    expect(() => traceExportFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...headers }, "mcp-test")).toThrow(
      /^OTEL_EXPORTER_OTLP_(TRACES_)?HEADERS must be key=value pairs/,
    );
  });

  it("are not looked at when export is off", () => {
    expect(traceExportFrom({ OTEL_EXPORTER_OTLP_HEADERS: "Authorization: Bearer x" }, "mcp-test")).toBeNull();
  });
});
