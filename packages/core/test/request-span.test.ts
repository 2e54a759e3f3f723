import { describe, expect, it } from "vitest";
import { carrierFields, MAX_BAGGAGE_CHARS } from "../src/propagation.js";
import {
  callerTrace,
  knownMethod,
  type RequestSpanFacts,
  requestSpanAttributes,
  requestSpanName,
  revisionShaped,
  type ToolOutcome,
  toolOutcomeAttributes,
  transportTrace,
} from "../src/request-span.js";

// One table for the spans of calls that ran (tool-telemetry.ts) and of requests refused over HTTP (refusal-span.ts):
// both build their name and attributes here. Absent facts leave their attributes out (toEqual skips undefined).

describe("requestSpanName", () => {
  it.each<[string, string | undefined, string]>([
    ["tools/call", "read_file", "tools/call read_file"],
    ["prompts/get", "review", "prompts/get review"],
    ["tools/list", undefined, "tools/list"],
    ["resources/read", "", "resources/read"],
  ])("%s %j → %s", (method, name, expected) => {
    expect(requestSpanName(method, name)).toBe(expected);
  });
});

describe("requestSpanAttributes", () => {
  it.each<[string, RequestSpanFacts, Record<string, string>]>([
    [
      "a tool call over stdio, as a served call's span has it",
      { method: "tools/call", name: "read_file", id: 7, protocolVersion: "2025-11-25", transport: "pipe" },
      {
        "mcp.method.name": "tools/call",
        "gen_ai.tool.name": "read_file",
        "gen_ai.operation.name": "execute_tool",
        "mcp.protocol.version": "2025-11-25",
        "network.transport": "pipe",
        "jsonrpc.request.id": "7",
      },
    ],
    [
      "a tool call over HTTP in a session, its id a string",
      { method: "tools/call", name: "execute_query", id: "a-1", transport: "tcp", sessionId: "s-9" },
      {
        "mcp.method.name": "tools/call",
        "gen_ai.tool.name": "execute_query",
        "gen_ai.operation.name": "execute_tool",
        "network.transport": "tcp",
        "mcp.session.id": "s-9",
        "jsonrpc.request.id": "a-1",
      },
    ],
    [
      "a prompt: its name, and no tool",
      { method: "prompts/get", name: "review", id: 0, transport: "tcp" },
      {
        "mcp.method.name": "prompts/get",
        "gen_ai.prompt.name": "review",
        "network.transport": "tcp",
        "jsonrpc.request.id": "0",
      },
    ],
    [
      "another method that names something: neither a tool nor a prompt",
      { method: "resources/read", name: "notes://all", id: 3, transport: "tcp" },
      { "mcp.method.name": "resources/read", "network.transport": "tcp", "jsonrpc.request.id": "3" },
    ],
    [
      "an id as long as a span keeps",
      { method: "ping", id: "i".repeat(128), transport: "tcp" },
      { "mcp.method.name": "ping", "network.transport": "tcp", "jsonrpc.request.id": "i".repeat(128) },
    ],
    [
      "an id of 900 KB, the caller's making: left out, not held by every queued span",
      { method: "ping", id: "i".repeat(900_000), transport: "tcp" },
      { "mcp.method.name": "ping", "network.transport": "tcp" },
    ],
    [
      "a tools/call that names no tool: no tool attributes",
      { method: "tools/call", transport: "tcp" },
      { "mcp.method.name": "tools/call", "network.transport": "tcp" },
    ],
    [
      "a request whose method is not known (a body not read)",
      { method: undefined, protocolVersion: "2026-07-28", transport: "tcp" },
      { "mcp.protocol.version": "2026-07-28", "network.transport": "tcp" },
    ],
  ])("%s", (_case, facts, expected) => {
    expect(requestSpanAttributes(facts)).toEqual(expected);
  });
});

describe("toolOutcomeAttributes", () => {
  it.each<[ToolOutcome, string | undefined, Record<string, string>]>([
    ["ok", undefined, { "mcp.tool.outcome": "ok" }],
    ["error", undefined, { "mcp.tool.outcome": "error" }],
    ["refused", "sandbox", { "mcp.tool.outcome": "refused", "mcp.tool.refusal_cause": "sandbox" }],
    ["refused", "rate_limited", { "mcp.tool.outcome": "refused", "mcp.tool.refusal_cause": "rate_limited" }],
    // A cause is only a refusal's: an outcome that is not one carries none.
    ["error", "sandbox", { "mcp.tool.outcome": "error" }],
    ["cancelled", undefined, { "mcp.tool.outcome": "cancelled" }],
  ])("%s (%s)", (outcome, cause, expected) => {
    expect(toolOutcomeAttributes(outcome, cause)).toEqual(expected);
  });
});

describe("what a refused request's span may take from the caller's text", () => {
  it.each([
    ["tools/call", "tools/call"],
    ["subscriptions/listen", "subscriptions/listen"],
    ["notifications/initialized", "notifications/initialized"],
    ["madeup/name", undefined],
    ["tools/callx", undefined],
    ["Tools/List", undefined],
    [undefined, undefined],
  ])("method %s → %s", (method, named) => {
    expect(knownMethod(method)).toBe(named);
  });

  it.each([
    ["2025-11-25", "2025-11-25"],
    ["2024-01-01", "2024-01-01"],
    ["v".repeat(2000), undefined],
    ["2025-11-25x", undefined],
    [undefined, undefined],
  ])("MCP-Protocol-Version %s → %s", (version, carried) => {
    expect(revisionShaped(version)).toBe(carried);
  });
});

const W3C = carrierFields(["tracecontext", "baggage"]);
const B3 = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1";
const MULTI: Record<string, string> = {
  "x-b3-traceid": "463ac35c9f6413ad48485a3953bb6124",
  "x-b3-spanid": "0020000000000001",
  "x-b3-sampled": "1",
};

describe("callerTrace", () => {
  const TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  const OTHER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  it.each<[string, Record<string, unknown> | undefined, Record<string, string>, unknown]>([
    ["_meta's", { traceparent: TP, tracestate: "a=1" }, {}, { traceparent: TP, tracestate: "a=1" }],
    ["_meta's over the headers'", { traceparent: TP }, { traceparent: OTHER }, { traceparent: TP }],
    [
      "the headers' when _meta has none",
      { progressToken: 1 },
      { traceparent: OTHER, tracestate: "b=2" },
      { traceparent: OTHER, tracestate: "b=2" },
    ],
    ["the headers' with no _meta", undefined, { traceparent: OTHER }, { traceparent: OTHER }],
    ["none, when neither has one", undefined, { tracestate: "b=2" }, undefined],
    ["none, for a traceparent that is not a string", { traceparent: 7 }, {}, undefined],
    [
      "the headers', baggage and all, when _meta has baggage alone",
      { baggage: "a=1" },
      { traceparent: OTHER, baggage: "b=2" },
      { traceparent: OTHER, baggage: "b=2" },
    ],
    [
      "without a baggage over the W3C limit",
      { traceparent: TP, baggage: `k=${"v".repeat(MAX_BAGGAGE_CHARS)}` },
      {},
      { traceparent: TP },
    ],
    ["none, for a traceparent longer than any", { traceparent: `${TP}-${"0".repeat(600)}` }, {}, undefined],
    ["none, for a B3 header while the formats are W3C's", { b3: B3 }, {}, undefined],
  ])("is %s", (_, meta, headers, expected) => {
    expect(callerTrace(meta, (name) => headers[name], W3C)).toEqual(expected);
  });

  it.each<[string, Record<string, unknown> | undefined, Record<string, string>, unknown]>([
    ["_meta's single b3", { b3: B3, traceparent: TP }, {}, { b3: B3 }],
    ["the headers' single b3", undefined, { b3: B3 }, { b3: B3 }],
    ["the headers' x-b3-*", undefined, MULTI, MULTI],
    ["none, for a W3C traceparent alone", { traceparent: TP }, { traceparent: OTHER }, undefined],
  ])("in B3 is %s", (_, meta, headers, expected) => {
    expect(callerTrace(meta, (name) => headers[name], carrierFields(["b3"]))).toEqual(expected);
  });

  it("is nothing at all with propagation off (none)", () => {
    expect(callerTrace({ traceparent: TP }, () => OTHER, carrierFields([]))).toBeUndefined();
  });
});

describe("transportTrace", () => {
  const TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  const OTHER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  it.each<[string, Record<string, unknown> | undefined, Record<string, string>, unknown]>([
    [
      "the headers', when _meta's is the parent",
      { traceparent: TP },
      { traceparent: OTHER, tracestate: "b=2" },
      { traceparent: OTHER, tracestate: "b=2" },
    ],
    ["none, when the headers' is the parent", { progressToken: 1 }, { traceparent: OTHER }, undefined],
    ["none, when both carry the same", { traceparent: TP }, { traceparent: TP }, undefined],
    ["none, when the headers carry none", { traceparent: TP }, {}, undefined],
  ])("is %s", (_, meta, headers, expected) => {
    expect(transportTrace(meta, (name) => headers[name], W3C)).toEqual(expected);
  });

  it("is the headers' B3 when _meta's B3 names another trace", () => {
    const fields = carrierFields(["b3multi"]);
    expect(transportTrace({ b3: B3 }, (name) => MULTI[name], fields)).toEqual(MULTI);
    expect(transportTrace({ b3: B3 }, (name) => ({ b3: B3 })[name], fields)).toBeUndefined();
  });
});
