import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, tempDir, textOf } from "../helpers.js";

describe("delete_file", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "a.txt"), "A");
    writeFileSync(path.join(ws.dir, "target.txt"), "T");
    symlinkSync("target.txt", path.join(ws.dir, "link"));
    mkdirSync(path.join(ws.dir, "empty"));
    mkdirSync(path.join(ws.dir, "full"));
    writeFileSync(path.join(ws.dir, "full/x"), "");
    s = await connect({ root: ws.dir });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("deletes a file, an empty directory, and a symlink but not its target", async () => {
    expect(textOf(await s.call("delete_file", { path: "a.txt" }))).toBe("deleted file a.txt");
    expect(textOf(await s.call("delete_file", { path: "empty" }))).toBe("deleted directory empty");
    expect(textOf(await s.call("delete_file", { path: "link" }))).toBe("deleted symlink link");
    expect(existsSync(path.join(ws.dir, "a.txt"))).toBe(false);
    expect(existsSync(path.join(ws.dir, "empty"))).toBe(false);
    expect(existsSync(path.join(ws.dir, "link"))).toBe(false);
    expect(readFileSync(path.join(ws.dir, "target.txt"), "utf8")).toBe("T");
  });

  it.each([
    ["full", /directory is not empty/],
    ["nope", /not found/],
    [".", /workspace root cannot be deleted/],
    ["../x", /outside the workspace root/],
  ])("refuses %j", async (input, message) => {
    const result = await s.call("delete_file", { path: input });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(existsSync(path.join(ws.dir, "full/x"))).toBe(true);
  });

  it("names a file whose name holds a newline escaped and quoted, as listings do", async () => {
    writeFileSync(path.join(ws.dir, "gone\ndeleted file other.txt"), "");
    const result = await s.call("delete_file", { path: "gone\ndeleted file other.txt" });
    expect(textOf(result)).toBe('deleted file "gone\\ndeleted file other.txt"');
    expect(existsSync(path.join(ws.dir, "gone\ndeleted file other.txt"))).toBe(false);
  });
});
