import { SKIPPED_REPORTS } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { notJsonRpc, StrayLines, strayWords } from "../src/stray-lines.js";

describe("StrayLines", () => {
  it("reports the first few lines once, marks the last one reported, and counts the rest quietly", () => {
    const reported: string[] = [];
    const stray = new StrayLines((line) => reported.push(line));
    for (let i = 1; i <= 10; i++) stray.add(`banner ${i}`);
    expect(reported).toHaveLength(SKIPPED_REPORTS);
    expect(reported[0]).toBe('stdout, not JSON-RPC, ignored: "banner 1"');
    expect(reported.at(-1)).toBe(
      `stdout, not JSON-RPC, ignored: "banner ${SKIPPED_REPORTS}" (later ones are not shown)`,
    );
    expect(stray.count).toBe(10);
  });

  it("clips a long line to a preview", () => {
    const reported: string[] = [];
    new StrayLines((line) => reported.push(line)).add(`  ${"x".repeat(500)}`);
    expect(reported[0]).toBe(`stdout, not JSON-RPC, ignored: "${"x".repeat(77)}..."`);
  });

  it.each([
    ["none written", [], 0, undefined],
    [
      "since the start: the first line that says something",
      ["{", "Server v1 on stdio", "debug"],
      0,
      [3, "Server v1 on stdio"],
    ],
    ["since a mark: the first line written after it", ["banner", "{", '"id": 7,', "}"], 1, [3, '"id": 7,']],
    ["only braces: the first of them", ["banner", "{", "}"], 1, [2, "{"]],
    ["nothing since the mark", ["banner"], 1, undefined],
  ])("since(): %s", (_name, lines, mark, expected) => {
    const stray = new StrayLines();
    for (const line of lines) stray.add(line);
    const words = stray.since(mark);
    expect(words).toBe(expected === undefined ? undefined : strayWords(expected[0] as number, expected[1] as string));
  });

  it("words one line and many, and redacts a secret in the example", () => {
    expect(strayWords(1, "hello")).toBe(
      'it wrote 1 line that is not JSON-RPC to stdout, e.g. "hello"; MCP servers must log to stderr',
    );
    expect(strayWords(4, "token=sk-ant-abcdefghijklmnopqrstuvwxyz0123")).toMatch(
      /^it wrote 4 lines that are not JSON-RPC to stdout, e\.g\. "token=\[redacted\]"; MCP servers must log to stderr$/,
    );
  });
});

describe("notJsonRpc", () => {
  it.each([
    [{ jsonrpc: "2.0", id: 1, result: {} }, false],
    [{ jsonrpc: "2.0", method: "notifications/message" }, false],
    [{ level: 30, msg: "listening" }, true],
    [42, true],
    ["text", true],
    [null, true],
    [[{ jsonrpc: "2.0", id: 1, result: {} }], true],
    [{ jsonrpc: "1.0", id: 1, result: {} }, true],
  ])("%j → %s", (value, expected) => {
    expect(notJsonRpc(value)).toBe(expected);
  });
});
