import { describe, expect, it } from "vitest";
import { requestsIn, toolsCalled } from "../src/request-messages.js";

const call = (id: string | number, name: unknown) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: {} },
});

describe("requestsIn", () => {
  it.each<[string, unknown, ReturnType<typeof requestsIn>]>([
    ["no body", undefined, []],
    ["a request", { jsonrpc: "2.0", id: 1, method: "tools/list" }, [{ id: 1, method: "tools/list", name: undefined }]],
    ["a string id", { jsonrpc: "2.0", id: "a-1", method: "ping" }, [{ id: "a-1", method: "ping", name: undefined }]],
    ["the id 0", { jsonrpc: "2.0", id: 0, method: "ping" }, [{ id: 0, method: "ping", name: undefined }]],
    ["the empty id", { jsonrpc: "2.0", id: "", method: "ping" }, [{ id: "", method: "ping", name: undefined }]],
    ["a tool call", call(2, "read_file"), [{ id: 2, method: "tools/call", name: "read_file", args: {} }]],
    [
      "a tool call's arguments, for the audit of a refused call",
      { jsonrpc: "2.0", id: 11, method: "tools/call", params: { name: "write_file", arguments: { path: "a" } } },
      [{ id: 11, method: "tools/call", name: "write_file", args: { path: "a" } }],
    ],
    [
      "a prompt",
      { jsonrpc: "2.0", id: 3, method: "prompts/get", params: { name: "summarise" } },
      [{ id: 3, method: "prompts/get", name: "summarise" }],
    ],
    [
      "a resource read, whose uri is not a name",
      { jsonrpc: "2.0", id: 4, method: "resources/read", params: { uri: "db://schema", name: "schema" } },
      [{ id: 4, method: "resources/read", name: undefined, uri: "db://schema" }],
    ],
    [
      "a name on a method that names nothing",
      { jsonrpc: "2.0", id: 5, method: "tools/list", params: { name: "read_file" } },
      [{ id: 5, method: "tools/list", name: undefined }],
    ],
    [
      "a tool call without params",
      { jsonrpc: "2.0", id: 6, method: "tools/call" },
      [{ id: 6, method: "tools/call", name: undefined, args: {} }],
    ],
    [
      "a tool call with null params",
      { jsonrpc: "2.0", id: 7, method: "tools/call", params: null },
      [{ id: 7, method: "tools/call", name: undefined, args: {} }],
    ],
    ["a tool call whose name is a number", call(8, 42), [{ id: 8, method: "tools/call", name: undefined, args: {} }]],
    [
      "a tool call whose name is a list",
      call(9, ["read_file"]),
      [{ id: 9, method: "tools/call", name: undefined, args: {} }],
    ],
    [
      "a caller's trace context, and nothing else of _meta",
      {
        jsonrpc: "2.0",
        id: 12,
        method: "tools/call",
        params: { name: "t", _meta: { traceparent: "00-a-b-01", tracestate: "k=v", progressToken: 1 } },
      },
      [{ id: 12, method: "tools/call", name: "t", args: {}, parent: { traceparent: "00-a-b-01", tracestate: "k=v" } }],
    ],
    [
      "a traceparent that is not text",
      { jsonrpc: "2.0", id: 13, method: "ping", params: { _meta: { traceparent: 5 } } },
      [{ id: 13, method: "ping", name: undefined }],
    ],
    ["a notification", { jsonrpc: "2.0", method: "notifications/initialized" }, []],
    ["a notification with a null id", { jsonrpc: "2.0", id: null, method: "notifications/cancelled" }, []],
    ["a response", { jsonrpc: "2.0", id: 1, result: {} }, []],
    ["an error response", { jsonrpc: "2.0", id: 1, error: { code: -32601, message: "no" } }, []],
    ["a method that is not text", { jsonrpc: "2.0", id: 1, method: 5 }, []],
    ["an id that is an object", { jsonrpc: "2.0", id: { n: 1 }, method: "ping" }, []],
    ["an id that is a boolean", { jsonrpc: "2.0", id: true, method: "ping" }, []],
    ["null", null, []],
    ["a number", 42, []],
    ["a string", "tools/call", []],
    ["an empty batch", [], []],
  ])("reads %s", (_, body, requests) => {
    expect(requestsIn(body)).toEqual(requests);
  });

  it("reads the requests of a batch in order, skipping notifications, responses and junk", () => {
    const batch = [
      { jsonrpc: "2.0", id: 1, method: "initialize", params: {} },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      call(2, "read_file"),
      { jsonrpc: "2.0", id: 99, result: { content: [] } },
      null,
      "junk",
      7,
      [call(10, "nested")],
      { jsonrpc: "2.0", id: "p", method: "prompts/get", params: { name: "review" } },
      call(3, "execute_write"),
    ];
    expect(requestsIn(batch)).toEqual([
      { id: 1, method: "initialize", name: undefined },
      { id: 2, method: "tools/call", name: "read_file", args: {} },
      { id: "p", method: "prompts/get", name: "review" },
      { id: 3, method: "tools/call", name: "execute_write", args: {} },
    ]);
  });

  it("keeps each call of a batch, even two calls of the same tool with the same id", () => {
    expect(requestsIn([call(1, "a"), call(1, "a"), call(2, "b")])).toEqual([
      { id: 1, method: "tools/call", name: "a", args: {} },
      { id: 1, method: "tools/call", name: "a", args: {} },
      { id: 2, method: "tools/call", name: "b", args: {} },
    ]);
  });
});

describe("toolsCalled", () => {
  it.each<[string, unknown, string[] | undefined]>([
    ["one call", call(1, "read_file"), ["read_file"]],
    ["a batch of calls, each tool once", [call(1, "a"), call(2, "b"), call(3, "a")], ["a", "b"]],
    ["a call beside a notification", [call(1, "a"), { jsonrpc: "2.0", method: "notifications/initialized" }], ["a"]],
    ["a call without a name", call(1, 42), undefined],
    ["a call beside a listing", [call(1, "a"), { jsonrpc: "2.0", id: 2, method: "tools/list" }], undefined],
    ["the handshake", { jsonrpc: "2.0", id: 1, method: "initialize", params: {} }, undefined],
    ["a prompt", { jsonrpc: "2.0", id: 1, method: "prompts/get", params: { name: "review" } }, undefined],
    ["nothing (a GET)", undefined, undefined],
  ])("names the tools of %s", (_, body, names) => {
    const called = toolsCalled(requestsIn(body));
    expect(called === undefined ? undefined : [...called]).toEqual(names);
  });
});
