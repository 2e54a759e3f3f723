import { describe, expect, it } from "vitest";
import {
  fail,
  MAX_THROWN_MESSAGE_BYTES,
  ok,
  sliceUtf8,
  thrownMessage,
  toolResultProblem,
  truncateToBytes,
} from "../src/results.js";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

describe("ok / fail", () => {
  it("builds text results, with structured content when given", () => {
    expect(ok("hi")).toEqual({ content: [{ type: "text", text: "hi" }] });
    expect(ok("hi", { n: 1 })).toEqual({ content: [{ type: "text", text: "hi" }], structuredContent: { n: 1 } });
    expect(fail("no")).toEqual({ content: [{ type: "text", text: "no" }], isError: true });
  });
});

describe("toolResultProblem", () => {
  it.each<[string, unknown, string]>([
    ["nothing (a forgotten return)", undefined, "undefined"],
    ["null", null, "null"],
    ["the text itself", "hello", "a string"],
    ["a number", 3, "3"],
    ["a list of blocks", [{ type: "text", text: "hi" }], "an array"],
    ["content as text", { content: "hi" }, "an object whose content is not an array"],
  ])("names %s as no tool result", (_, value, what) => {
    expect(toolResultProblem(value)).toBe(
      `its handler returned ${what}, not a tool result: return ok(text) or fail(message)`,
    );
  });

  it.each<[string, unknown]>([
    ["ok", ok("hi")],
    ["fail", fail("no")],
    ["structured content alone", { structuredContent: { n: 1 } }],
  ])("passes %s", (_, value) => {
    expect(toolResultProblem(value)).toBeUndefined();
  });
});

describe("thrownMessage", () => {
  const refused = (address: string) =>
    Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: "ECONNREFUSED" });
  it.each<[string, unknown, string]>([
    ["an error", new Error("boom"), "boom"],
    [
      "undici's fetch failed, naming the address in its cause",
      new TypeError("fetch failed", { cause: refused("127.0.0.1:9") }),
      "fetch failed: connect ECONNREFUSED 127.0.0.1:9",
    ],
    [
      "a dual-stack connect's AggregateError, which has no message",
      Object.assign(new AggregateError([refused("::1:9"), refused("127.0.0.1:9")]), { code: "ECONNREFUSED" }),
      "connect ECONNREFUSED ::1:9; connect ECONNREFUSED 127.0.0.1:9",
    ],
    [
      "a cause that says nothing more",
      new Error("read config: ENOENT", { cause: new Error("ENOENT") }),
      "read config: ENOENT",
    ],
    ["a cause that is a code word", new Error("not found", { cause: "ENOENT" }), "not found"],
    ["an error with no message", Object.assign(new Error(""), { code: "EPIPE" }), "Error EPIPE"],
    ["a string", "plain", "plain"],
    ["undefined", undefined, "undefined"],
  ])("says %s", (_, error, message) => {
    expect(thrownMessage(error)).toBe(message);
  });

  it(`cuts a message over ${MAX_THROWN_MESSAGE_BYTES} bytes on a character boundary, saying so`, () => {
    const huge = new Error(`upstream said: ${"日".repeat(2 * MAX_THROWN_MESSAGE_BYTES)}`);
    const text = thrownMessage(huge);
    expect(text).toMatch(/^upstream said: 日+… \(message cut at 16384 bytes\)$/);
    expect(bytes(text)).toBeLessThanOrEqual(MAX_THROWN_MESSAGE_BYTES + 40);
    expect(thrownMessage(new Error("x".repeat(MAX_THROWN_MESSAGE_BYTES)))).toBe("x".repeat(MAX_THROWN_MESSAGE_BYTES));
  });
});

describe("truncateToBytes", () => {
  it("leaves text within the budget alone", () => {
    expect(truncateToBytes("abc", 3)).toEqual({ text: "abc", truncated: false, omittedBytes: 0 });
  });

  it("cuts to the budget and says how much more there is", () => {
    const text = "x".repeat(10_000);
    const out = truncateToBytes(text, 1000, "call again with offset=500");
    expect(out.truncated).toBe(true);
    expect(bytes(out.text)).toBeLessThanOrEqual(1000);
    expect(out.text).toMatch(/\[truncated: \d+ more bytes; call again with offset=500\]$/);
    const kept = out.text.slice(0, out.text.indexOf("\n[truncated"));
    expect(out.omittedBytes).toBe(10_000 - kept.length);
    expect(out.text).toContain(`${out.omittedBytes} more bytes`);
  });

  it.each([
    ["two-byte", "é"],
    ["three-byte", "€"],
    ["four-byte", "😀"],
  ])("never splits a %s character", (_label, ch) => {
    const text = ch.repeat(500);
    for (const budget of [100, 101, 102, 103, 257]) {
      const out = truncateToBytes(text, budget);
      expect(bytes(out.text)).toBeLessThanOrEqual(budget);
      expect(out.text).not.toContain("\uFFFD");
    }
  });

  it("stays within a budget smaller than the notice itself", () => {
    const out = truncateToBytes("y".repeat(100), 10);
    expect(out.truncated).toBe(true);
    expect(bytes(out.text)).toBeLessThanOrEqual(10);
  });
});

describe("sliceUtf8", () => {
  it("returns the longest whole-character prefix", () => {
    expect(sliceUtf8("aé", 2)).toBe("a");
    expect(sliceUtf8("aé", 3)).toBe("aé");
    expect(sliceUtf8("😀😀", 5)).toBe("😀");
    expect(sliceUtf8("abc", 0)).toBe("");
  });
});
