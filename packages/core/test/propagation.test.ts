// OTEL_PROPAGATORS: the table of what is taken, left out with a warning, and turned off. Pure; the real propagators
// carrying a trace over stdio and HTTP are in propagation-sdk.test.ts.
import { describe, expect, it } from "vitest";
import { propagationFrom, propagatorWarning } from "../src/propagation.js";

describe("propagationFrom", () => {
  it.each<[string | undefined, ReturnType<typeof propagationFrom>]>([
    [undefined, { names: ["tracecontext", "baggage"], unknown: [] }],
    [" ", { names: ["tracecontext", "baggage"], unknown: [] }],
    ["b3", { names: ["b3"], unknown: [] }],
    ["B3Multi, tracecontext", { names: ["b3multi", "tracecontext"], unknown: [] }],
    [
      "tracecontext,baggage,b3,b3multi,jaeger",
      { names: ["tracecontext", "baggage", "b3", "b3multi", "jaeger"], unknown: [] },
    ],
    ["tracecontext,tracecontext", { names: ["tracecontext"], unknown: [] }],
    ["none", { names: [], unknown: [] }],
    ["b3,none", { names: [], unknown: [] }],
    // A name we do not know is left out; the rest still work, and with none left the default does.
    ["b3,xray", { names: ["b3"], unknown: ["xray"] }],
    ["X-Ray, B3", { names: ["b3"], unknown: ["X-Ray"] }],
    ["tracecontex", { names: ["tracecontext", "baggage"], unknown: ["tracecontex"] }],
    [`b3,${"x".repeat(100)}`, { names: ["b3"], unknown: ["x".repeat(40)] }],
  ])("OTEL_PROPAGATORS=%j is %j", (given, expected) => {
    expect(propagationFrom({ OTEL_PROPAGATORS: given })).toEqual(expected);
  });
});

describe("propagatorWarning", () => {
  it("names the values left out, the accepted ones, and what is used instead", () => {
    expect(propagatorWarning(propagationFrom({ OTEL_PROPAGATORS: "xray,b3" }))).toBe(
      'OTEL_PROPAGATORS names "xray", which is not a propagator this process knows (tracecontext, baggage, b3, b3multi, jaeger, none): left out, so trace context travels as b3',
    );
    expect(propagatorWarning(propagationFrom({ OTEL_PROPAGATORS: "w3c" }))).toMatch(
      /"w3c".*travels as tracecontext,baggage$/,
    );
  });

  it("says several names left out in the plural", () => {
    expect(propagatorWarning(propagationFrom({ OTEL_PROPAGATORS: "xray,b3,ottrace" }))).toBe(
      'OTEL_PROPAGATORS names "xray", "ottrace", which are not propagators this process knows (tracecontext, baggage, b3, b3multi, jaeger, none): left out, so trace context travels as b3',
    );
  });

  it("is silent for what it knows", () => {
    expect(propagatorWarning(propagationFrom({ OTEL_PROPAGATORS: "b3multi,none" }))).toBeUndefined();
    expect(propagatorWarning(propagationFrom({}))).toBeUndefined();
  });
});
