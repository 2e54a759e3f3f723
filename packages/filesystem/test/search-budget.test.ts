import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, tempDir, textOf } from "./helpers.js";

// Issue 13: one search_files call froze the server. A glob of 30 {?,?} groups took 46 s on one 40-character name
// while every other call waited, and the content regex's limit was per file, so planted files multiplied it.
describe("search_files and directory_tree: bounded per call, never blocking other calls", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  const hostile = (groups: number) => `${"{?,?}".repeat(groups)}Z`;
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "a".repeat(40)), "x\n");
    writeFileSync(path.join(ws.dir, "readme.txt"), "hello\n");
    // Lines that each backtrack 2^16 times under /(a|a)*b/: quick alone, minutes together.
    mkdirSync(path.join(ws.dir, "planted"));
    for (let i = 0; i < 50; i++) {
      // The last line holds the b the regex requires, past the 4096 characters a regex sees, so it can never match:
      // the file is read, not skipped by the byte prefilter, and every line before it still backtracks.
      const last = `${"x".repeat(4096)}b\n`;
      writeFileSync(path.join(ws.dir, "planted", `f${i}.txt`), `${"a".repeat(16)}\n`.repeat(2000) + last);
    }
    // Names that each take a few ms under a glob within the caps (8 groups, 3 wildcards).
    mkdirSync(path.join(ws.dir, "names"));
    for (let i = 0; i < 2000; i++) writeFileSync(path.join(ws.dir, "names", `${"a".repeat(44)}${1000 + i}`), "");
    s = await connect({ root: ws.dir, searchTimeoutMs: 1500 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it.each([30, 60])("refuses a pattern of %i brace groups at once, saying why", async (groups) => {
    const result = await s.call("search_files", { pattern: hostile(groups) });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^search_files failed: glob ".*": its alternatives .* combine over a billion ways/);
  });

  it.each([
    ["search_files", { pattern: "*.txt", exclude: [hostile(30)] }],
    ["search_files", { pattern: "*.txt", exclude: ["node_modules", `${"@(?|?)".repeat(40)}Z`] }],
    ["directory_tree", { exclude: [hostile(30)] }],
    ["directory_tree", { exclude: [`${"?(?)".repeat(40)}Z`] }],
  ])("refuses the same in %s's exclude %j", async (tool, args) => {
    const result = await s.call(tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/glob ".*": its alternatives .* combine \d+|over a billion ways/);
  });

  it("gives the content regex one budget for the whole call, returning what it found with the limit named", async () => {
    const result = await s.call("search_files", { path: "planted", pattern: "*.txt", content: "/(a|a)*b/" });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(
      /\[stopped at the 1\.5 s time limit per call, set by searchTimeoutMs, after \d+ entries/,
    );
    expect(result.structuredContent).toMatchObject({ matches: [], truncated: true });
  });

  it("gives glob matching the same budget", async () => {
    const result = await s.call("search_files", { path: "names", pattern: `${"{?,?}".repeat(8)}*a*a*b` });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/stopped at the 1\.5 s time limit per call, set by searchTimeoutMs,/);
    const tree = await s.call("directory_tree", { exclude: [`${"{?,?}".repeat(8)}*a*a*b`] });
    expect(tree.isError).toBeFalsy();
    expect(textOf(tree)).toMatch(/stopped at the 1\.5 s time limit per call, set by searchTimeoutMs,/);
  });

  it.each([
    ["a content regex", { path: "planted", pattern: "*.txt", content: "/(a|a)*b/" }],
    ["a costly glob", { path: "names", pattern: `${"{?,?}".repeat(8)}*a*a*b` }],
  ])("answers other calls while %s runs", async (_, args) => {
    const order: string[] = [];
    const search = s.call("search_files", args).then((r) => {
      order.push("search_files");
      return r;
    });
    const read = s.call("read_file", { path: "readme.txt" }).then((r) => {
      order.push("read_file");
      return r;
    });
    const [searched, readme] = await Promise.all([search, read]);
    expect(textOf(readme)).toBe("hello\n");
    expect(textOf(searched)).toMatch(/set by searchTimeoutMs/);
    expect(order).toEqual(["read_file", "search_files"]);
  });
});
