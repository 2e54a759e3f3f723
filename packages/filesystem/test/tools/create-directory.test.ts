import { existsSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, tempDir, textOf } from "../helpers.js";

describe("create_directory", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "file.txt"), "x");
    s = await connect({ root: ws.dir });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("creates missing parents, and succeeds again when it exists", async () => {
    expect(textOf(await s.call("create_directory", { path: "a/b/c" }))).toBe("directory ready: a/b/c");
    expect(statSync(path.join(ws.dir, "a/b/c")).isDirectory()).toBe(true);
    expect((await s.call("create_directory", { path: "a/b/c/" })).isError).toBeFalsy();
  });

  it("leaves none of the folders it made when a later name is refused", async () => {
    const result = await s.call("create_directory", { path: `made/here/${"n".repeat(300)}` });
    expect(textOf(result)).toMatch(/name too long/);
    expect(existsSync(path.join(ws.dir, "made"))).toBe(false);
  });

  it.each([
    ["file.txt", /is a file, not a directory/],
    ["file.txt/sub", /is a file, not a directory/],
    ["../sibling", /outside the workspace root/],
  ])("refuses %j", async (input, message) => {
    const result = await s.call("create_directory", { path: input });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });

  it("names a directory whose name holds a control character escaped and quoted, as listings do", async () => {
    const result = await s.call("create_directory", { path: "tab\there" });
    expect(textOf(result)).toBe('directory ready: "tab\\there"');
    expect(statSync(path.join(ws.dir, "tab\there")).isDirectory()).toBe(true);
  });
});
