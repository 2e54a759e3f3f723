// OTEL_TRACES_SAMPLER and its argument: the table of what is taken and refused, then the real SDK exporting to a
// receiver on 127.0.0.1, keeping and dropping spans as the environment given to startTracing says.
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../src/cli-options.js";
import { startTracing } from "../src/telemetry.js";
import { traceExportFrom } from "../src/telemetry-env.js";
import { samplerWarning, traceSamplerFrom } from "../src/trace-sampler.js";
import { callerTraceparent, otelEnv, startOtlpReceiver } from "./otlp-receiver.js";

describe("traceSamplerFrom", () => {
  it.each<[Record<string, string>, ReturnType<typeof traceSamplerFrom>]>([
    [{}, { name: "parentbased_always_on", parentBased: true, ratio: 1 }],
    [{ OTEL_TRACES_SAMPLER: " " }, { name: "parentbased_always_on", parentBased: true, ratio: 1 }],
    [{ OTEL_TRACES_SAMPLER: "always_off" }, { name: "always_off", parentBased: false, ratio: 0 }],
    [{ OTEL_TRACES_SAMPLER: "ALWAYS_OFF" }, { name: "always_off", parentBased: false, ratio: 0 }],
    [
      { OTEL_TRACES_SAMPLER: "Parentbased_Always_Off " },
      { name: "parentbased_always_off", parentBased: true, ratio: 0 },
    ],
    [{ OTEL_TRACES_SAMPLER: "traceidratio" }, { name: "traceidratio", parentBased: false, ratio: 1 }],
    [
      { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" },
      { name: "parentbased_traceidratio", parentBased: true, ratio: 0.1 },
    ],
    [
      { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: " .25 " },
      { name: "traceidratio", parentBased: false, ratio: 0.25 },
    ],
    [
      { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0" },
      { name: "traceidratio", parentBased: false, ratio: 0 },
    ],
    // The argument is the ratio samplers' alone: another sampler does not look at it.
    [
      { OTEL_TRACES_SAMPLER: "always_on", OTEL_TRACES_SAMPLER_ARG: "10%" },
      { name: "always_on", parentBased: false, ratio: 1, ignoredArg: "10%" },
    ],
    [
      { OTEL_TRACES_SAMPLER_ARG: "0.1" },
      { name: "parentbased_always_on", parentBased: true, ratio: 1, ignoredArg: "0.1" },
    ],
  ])("%j → %j", (env, expected) => {
    expect(traceSamplerFrom(env)).toEqual(expected);
  });

  it.each<[Record<string, string>, RegExp]>([
    [
      { OTEL_TRACES_SAMPLER: "ratio" },
      /OTEL_TRACES_SAMPLER must be one of always_on, .*parentbased_traceidratio, got "ratio"/,
    ],
    [{ OTEL_TRACES_SAMPLER: "parentbased_jaeger_remote" }, /OTEL_TRACES_SAMPLER must be one of/],
    [{ OTEL_TRACES_SAMPLER: "xray" }, /OTEL_TRACES_SAMPLER must be one of/],
    ...["10%", "1.5", "-0.1", "abc", "1e-3", "0x1", "Infinity", "0.1,0.2"].map(
      (arg): [Record<string, string>, RegExp] => [
        { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: arg },
        new RegExp(`OTEL_TRACES_SAMPLER_ARG must be .* from 0 to 1 .*got "${arg.replace(/[.+]/g, "\\$&")}"`),
      ],
    ),
  ])("refuses %j at start-up in one line", (env, message) => {
    expect(() => traceSamplerFrom(env)).toThrow(UsageError);
    expect(() => traceSamplerFrom(env)).toThrow(message);
  });

  it("warns of an argument the sampler ignores, saying which sampler takes one", () => {
    expect(samplerWarning(traceSamplerFrom({ OTEL_TRACES_SAMPLER_ARG: "0.1" }))).toBe(
      'OTEL_TRACES_SAMPLER_ARG="0.1" is ignored: the sampler parentbased_always_on keeps every trace this process starts, whatever its argument; for a share, set OTEL_TRACES_SAMPLER=parentbased_traceidratio',
    );
    expect(
      samplerWarning(traceSamplerFrom({ OTEL_TRACES_SAMPLER: "always_off", OTEL_TRACES_SAMPLER_ARG: "1" })),
    ).toMatch(/the sampler always_off keeps no trace/);
    expect(
      samplerWarning(traceSamplerFrom({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.5" })),
    ).toBe(undefined);
    expect(samplerWarning(traceSamplerFrom({}))).toBe(undefined);
  });

  it("stops start-up only when spans are exported", () => {
    const env = { OTEL_TRACES_SAMPLER: "ratio" };
    expect(traceExportFrom(env, "mcp-test")).toBeNull();
    expect(() => traceExportFrom({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }, "mcp-test")).toThrow(
      /OTEL_TRACES_SAMPLER/,
    );
  });
});

describe("the sampler in force (real SDK, receiver on 127.0.0.1)", () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  /** Start tracing with `sampler`, record a span of our own and one continuing a kept caller's trace, and export. */
  async function exportedWith(sampler: Record<string, string>) {
    const receiver = await startOtlpReceiver();
    const traces = await startTracing({ ...otelEnv(receiver), ...sampler }, "mcp-test", "0.0.0");
    stops.push(() => traces.shutdown());
    const caller = callerTraceparent();
    await traces.inSpan("ours", { kind: "server" }, async () => {});
    await traces.inSpan(
      "the caller's",
      { kind: "server", parent: { traceparent: caller.traceparent } },
      async () => {},
    );
    await traces.shutdown();
    return { names: receiver.spans.map((s) => s.name).sort(), caller, spans: receiver.spans };
  }

  it("keeps none with ALWAYS_OFF, in capitals, where the SDK alone kept them all", async () => {
    expect((await exportedWith({ OTEL_TRACES_SAMPLER: "ALWAYS_OFF" })).names).toEqual([]);
  });

  it("with parentbased_traceidratio 0, keeps the trace a caller kept and none it starts itself", async () => {
    const { names, spans, caller } = await exportedWith({
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0",
    });
    expect(names).toEqual(["the caller's"]);
    expect(spans[0]).toMatchObject({ traceId: caller.traceId, parentSpanId: caller.spanId });
  });

  it("keeps both by default", async () => {
    expect((await exportedWith({})).names).toEqual(["ours", "the caller's"]);
  });

  it("says at start that an argument the sampler ignores is ignored, and keeps every trace as the spec says", async () => {
    const receiver = await startOtlpReceiver();
    const warnings: string[] = [];
    const env = { ...otelEnv(receiver), OTEL_TRACES_SAMPLER_ARG: "0.1" };
    const traces = await startTracing(env, "mcp-test", "0.0.0", (line) => warnings.push(line));
    stops.push(() => traces.shutdown());
    expect(warnings).toEqual([expect.stringMatching(/^OTEL_TRACES_SAMPLER_ARG="0\.1" is ignored: /)]);
    await traces.inSpan("ours", { kind: "server" }, async () => {});
    await traces.shutdown();
    expect(receiver.spans.map((s) => s.name)).toEqual(["ours"]);
  });
});
