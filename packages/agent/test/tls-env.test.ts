import { describe, expect, it } from "vitest";
import { unusedTlsEnv } from "../src/tls-env.js";

describe("unusedTlsEnv", () => {
  const certs = { NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/ca-certificates.crt" };
  it.each([
    ["no extra CAs", {}, []],
    ["extra CAs, no telemetry", certs, ["NODE_EXTRA_CA_CERTS"]],
    ["extra CAs set empty", { NODE_EXTRA_CA_CERTS: "" }, []],
    ["extra CAs and an OTLP endpoint", { ...certs, OTEL_EXPORTER_OTLP_ENDPOINT: "https://c:4318" }, []],
    ["extra CAs and a traces endpoint", { ...certs, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://c:4318" }, []],
    ["extra CAs and a metrics endpoint", { ...certs, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "https://c:4318" }, []],
    ["extra CAs, an endpoint set blank", { ...certs, OTEL_EXPORTER_OTLP_ENDPOINT: " " }, ["NODE_EXTRA_CA_CERTS"]],
    ["extra CAs, other OTEL settings only", { ...certs, OTEL_SERVICE_NAME: "x" }, ["NODE_EXTRA_CA_CERTS"]],
  ])("%s", (_case, env, expected) => {
    expect(unusedTlsEnv(env)).toEqual(expected);
  });
});
