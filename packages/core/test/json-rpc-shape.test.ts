import { describe, expect, it } from "vitest";
import { jsonRpcProblem, requestIdOf } from "../src/json-rpc-shape.js";

describe("jsonRpcProblem", () => {
  it.each<[unknown, string | RegExp | undefined]>([
    [{ jsonrpc: "2.0", id: 1, method: "ping" }, undefined],
    [{ jsonrpc: "2.0", method: "notifications/initialized" }, undefined],
    [{ jsonrpc: "2.0", id: "a", result: {} }, undefined],
    [{ jsonrpc: "2.0", id: null, error: { code: -32700, message: "x" } }, undefined],
    [[{ jsonrpc: "2.0", id: 1, method: "ping" }], undefined],
    [42, /^the body is JSON but not a JSON-RPC message \(the number 42\); a JSON-RPC message is an object/],
    [null, /not a JSON-RPC message \(null\)/],
    [[], "the body is an empty batch ([]); send at least one message"],
    [[1, 2], /^batch item 0: the body is JSON but not a JSON-RPC message \(the number 1\)/],
    [{ foo: 1 }, /^"jsonrpc" must be "2.0", got nothing/],
    [{ jsonrpc: "1.0", id: 1, method: "ping" }, /^"jsonrpc" must be "2.0", got "1.0"/],
    [
      { jsonrpc: "2.0", id: 1 },
      /^the message has no "method" \(a request or notification\) and no "result" or "error"/,
    ],
    [{ jsonrpc: "2.0", id: 1, method: 5 }, '"method" must be a string, got 5'],
    [{ jsonrpc: "2.0", id: { a: 1 }, method: "ping" }, '"id" must be a string or an integer, got {"a":1}'],
    [{ jsonrpc: "2.0", id: 1.5, method: "ping" }, '"id" must be a string or an integer, got 1.5'],
    [{ jsonrpc: "2.0", id: null, method: "ping" }, '"id" must be a string or an integer, got null'],
    [
      JSON.parse('{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"}'),
      /^"id" 1\.23e\+29 is beyond the integers an id can carry exactly \(±9007199254740991\); send a smaller integer or a string$/,
    ],
    [{ jsonrpc: "2.0", id: 2 ** 53, method: "ping" }, /^"id" 9\.01e\+15 is beyond/],
    [
      JSON.parse('{"jsonrpc":"2.0","id":1e400,"method":"ping"}'),
      /^"id" is a number past 1\.8e308, beyond the integers/,
    ],
    [JSON.parse('{"jsonrpc":"2.0","id":-1e400,"method":"ping"}'), /^"id" is a number below -1\.8e308, beyond/],
    [{ jsonrpc: "2.0", id: -(2 ** 53) + 1, method: "ping" }, undefined],
    [{ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }, undefined],
    [
      { jsonrpc: "2.0", id: 1, method: "ping", params: [] },
      '"params" must be an object (MCP names every parameter), got an array',
    ],
    [{ jsonrpc: "2.0", id: 1, method: "ping", params: "x" }, /^"params" must be an object .*, got a string$/],
    [{ jsonrpc: "2.0", method: "notifications/cancelled", params: null }, /^"params" must be an object .*, got null$/],
  ])("%j", (body, problem) => {
    const found = jsonRpcProblem(body);
    if (problem === undefined) expect(found).toBeUndefined();
    else if (typeof problem === "string") expect(found).toBe(problem);
    else expect(found).toMatch(problem);
  });
});

describe("requestIdOf", () => {
  it.each<[unknown, string | number | undefined]>([
    [{ jsonrpc: "2.0", id: 7, method: "tools/list" }, 7],
    [{ jsonrpc: "2.0", id: "a", method: "tools/list" }, "a"],
    [{ jsonrpc: "2.0", method: "notifications/cancelled" }, undefined],
    [{ jsonrpc: "2.0", id: 7, result: {} }, undefined],
    [{ jsonrpc: "2.0", id: 1.5, method: "ping" }, undefined],
    [{ jsonrpc: "2.0", id: 2 ** 53, method: "ping" }, undefined],
    [{ jsonrpc: "2.0", id: null, method: "ping" }, undefined],
    [[{ jsonrpc: "2.0", id: 1, method: "ping" }], undefined],
    ["ping", undefined],
  ])("%j", (body, id) => {
    expect(requestIdOf(body)).toBe(id);
  });
});
