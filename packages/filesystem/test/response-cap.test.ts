import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, tempDir, textOf } from "./helpers.js";

const CAP = 2048;

/** What a result costs: its text plus its structured copy. */
function size(result: CallToolResult): number {
  return Buffer.byteLength(textOf(result)) + Buffer.byteLength(JSON.stringify(result.structuredContent ?? ""));
}

describe(`every response stays under the cap (${CAP} bytes here), and odd input never crashes`, () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    mkdirSync(path.join(ws.dir, "wide"));
    for (let i = 0; i < 400; i++) {
      writeFileSync(path.join(ws.dir, "wide", `a-rather-long-file-name-number-${i}.txt`), `needle ${i}\n`.repeat(3));
    }
    let deep = ws.dir;
    for (let i = 0; i < 8; i++) {
      deep = path.join(deep, `level-${i}-${"d".repeat(40)}`);
      mkdirSync(deep);
      writeFileSync(path.join(deep, "f.txt"), "needle\n");
    }
    writeFileSync(path.join(ws.dir, "long.txt"), `${"é".repeat(3000)}\n`.repeat(50));
    s = await connect({ root: ws.dir, maxResponseBytes: CAP });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it.each([
    ["list_directory", { path: "wide" }],
    ["directory_tree", { maxDepth: 10 }],
    ["search_files", { pattern: "*" }],
    ["search_files", { pattern: "*", content: "needle" }],
    ["read_file", { path: "long.txt" }],
    ["read_file", { path: "long.txt", tail: 3 }],
    ["read_multiple_files", { paths: ["long.txt", "long.txt", "wide/a-rather-long-file-name-number-1.txt"] }],
    ["edit_file", { path: "long.txt", edits: [{ oldText: "é".repeat(3000), newText: "x" }] }],
    ["read_file", { path: "x".repeat(100_000) }],
    ["get_file_info", { path: `${"../".repeat(10_000)}etc` }],
  ])("%s %#", async (tool, args) => {
    const result = await s.call(tool, args);
    expect(size(result)).toBeLessThanOrEqual(CAP);
  });

  it.each([
    ["read_file", { path: `${"a/".repeat(3000)}b` }, /"a\/a\/a.*…"/],
    ["read_file", { path: "n".repeat(300) }, /name too long|not found/],
    [
      "write_file",
      { path: "n".repeat(300), content: "x" },
      /name too long: a file or folder name may take at most 255/,
    ],
    // Every name short, the path long: the error says which limit that is, so the model does not shorten the names.
    ["create_directory", { path: "e".repeat(200).concat("/").repeat(25) }, /and a whole path about 4,000/],
    ["list_directory", { path: "\0" }, /NUL byte/],
    ["read_file", { path: "/proc/self/environ" }, /outside the workspace root/],
  ])("%s refuses odd input %# with a message", async (tool, args, message) => {
    const result = await s.call(tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });

  it("refuses a FIFO instead of hanging on it", async () => {
    execFileSync("mkfifo", [path.join(ws.dir, "pipe")]);
    const result = await s.call("read_file", { path: "pipe" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("not a regular file");
    const grep = await s.call("search_files", { pattern: "pipe", content: "x" });
    expect(grep.isError).toBeFalsy();
  });
});
