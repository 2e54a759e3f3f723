import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, tempDir, textOf } from "./helpers.js";

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

  it("refuses to delete or move the root itself", async () => {
    expect((await session.call("delete_file", { path: "." })).isError).toBe(true);
    expect((await session.call("move_file", { source: ".", destination: "elsewhere" })).isError).toBe(true);
    expect(existsSync(ws)).toBe(true);
  });
});
