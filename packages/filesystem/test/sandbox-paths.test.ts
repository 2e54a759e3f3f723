import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, DIST, printedAsNobody, tempDir, textOf } from "./helpers.js";

/**
 * The sandbox's paths (sandbox-paths.ts) through the real tools: which absolute paths lie inside a root, and the roots
 * themselves, which no tool may delete or move. Layout: base/ws (the root), base/ws-evil/secret.txt.
 */
const base = tempDir("fs-sandbox-paths-");
const ws = path.join(base.dir, "ws");

describe("the sandbox's paths", () => {
  let session: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    mkdirSync(ws);
    mkdirSync(path.join(base.dir, "ws-evil"));
    writeFileSync(path.join(ws, "inside.txt"), "inside");
    writeFileSync(path.join(base.dir, "ws-evil", "secret.txt"), "SECRET");
    mkdirSync(path.join(ws, "src"));
    writeFileSync(path.join(ws, "src", "main.ts"), "");
    symlinkSync(path.join(base.dir, "ws-evil"), path.join(ws, "evil"));
    writeFileSync(path.join(ws, "odd\n\u202ename.txt"), "");
    symlinkSync("odd\n\u202ename.txt", path.join(ws, "odd-link"));
    symlinkSync("gone\n\u202e.txt", path.join(ws, "dangling"));
    session = await connect({ root: ws });
  });
  afterAll(async () => {
    await session.close();
    base.cleanup();
  });

  it("accepts absolute paths inside the root, and refuses the sibling with the same prefix", async () => {
    expect(textOf(await session.call("read_file", { path: path.join(ws, "inside.txt") }))).toBe("inside");
    const evil = await session.call("read_file", { path: `${ws}-evil/secret.txt` });
    expect(evil.isError).toBe(true);
    expect(textOf(evil)).toContain("outside the workspace root");
  });

  it.each([
    ["read_file", { path: "src/main.ts/x" }],
    ["list_directory", { path: "src/main.ts/x/y" }],
    ["get_file_info", { path: `${ws}/src/main.ts/x` }],
    ["write_file", { path: "src/main.ts/new/a.txt", content: "" }],
    ["create_directory", { path: "src/main.ts/sub" }],
  ])("%s through a file where a folder should be names that file", async (tool, args) => {
    const result = await session.call(tool, args);
    expect(textOf(result)).toMatch(/: src\/main\.ts is a file, not a directory$/);
  });

  it("names no file on the way that lies outside the root", async () => {
    const result = await session.call("read_file", { path: "evil/secret.txt/x" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).not.toContain("secret.txt is a file");
  });

  // Reached through a symlink, a crafted name is in no part of the model's input: only the error can show it.
  it.each([
    ["read_file", { path: "odd-link/x" }],
    ["list_directory", { path: "odd-link" }],
    ["create_directory", { path: "odd-link/sub" }],
    ["write_file", { path: "dangling", content: "" }],
  ])("%s escapes a crafted name from the file system in its error", async (tool, args) => {
    const text = textOf(await session.call(tool, args));
    expect(text).toMatch(/"odd\\n\\u202ename\.txt"|"gone\\n\\u202e\.txt"/);
    expect(text).not.toMatch(/[\n\u202e]/);
  });

  it("refuses to delete or move the root itself", async () => {
    expect((await session.call("delete_file", { path: "." })).isError).toBe(true);
    expect((await session.call("move_file", { source: ".", destination: "elsewhere" })).isError).toBe(true);
    expect(existsSync(ws)).toBe(true);
  });
});

describe.skipIf(process.getuid?.() !== 0)("a path not found, run as another user", () => {
  it("in a folder that user may pass through but not list, says so rather than point to list_directory", (ctx) => {
    const { dir, cleanup } = tempDir("fs-unlisted-");
    try {
      mkdirSync(path.join(dir, "d"));
      writeFileSync(path.join(dir, "d", "open.txt"), "anyone may read this");
      chmodSync(path.join(dir, "d"), 0o311);
      chmodSync(dir, 0o755);
      const script = `
        const { Sandbox } = await import(${JSON.stringify(`${DIST}sandbox.js`)});
        const sandbox = new Sandbox([${JSON.stringify(dir)}]);
        for (const name of ["d/missing.txt", "nowhere/missing.txt"]) {
          try { sandbox.open(name); console.log("opened"); } catch (error) { console.log(error.message); }
        }`;
      expect(printedAsNobody(ctx, script).split("\n")).toEqual([
        `"d/missing.txt": not found in "d", a folder the server's user may pass through but not list (permissions 311), so list_directory cannot show what is in it: check the name with the user, or ask them to grant read (r) permission on the folder`,
        `"nowhere/missing.txt": not found — list_directory shows what exists`,
      ]);
    } finally {
      cleanup();
    }
  });
});
