import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, rawTextOf, tempDir, textOf } from "../helpers.js";

/** The version read_file gives: the first 16 hex digits of the SHA-256 of the file's bytes. */
const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

describe("expectedVersion: a write refused when someone else changed the file since it was read", () => {
  const ws = tempDir();
  const at = (name: string) => path.join(ws.dir, name);
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    s = await connect({ root: ws.dir, maxFileBytes: 4096 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  /** read_file's version of `name`, from its last line (in the text alone), checked against the bytes. */
  async function versionOf(name: string): Promise<string> {
    const result = await s.call("read_file", { path: name });
    const version = rawTextOf(result).match(/\n\[version ([0-9a-f]{16})\]$/)?.[1];
    expect(result.structuredContent).toBeUndefined();
    expect(version).toBe(sha(readFileSync(at(name), "utf8")));
    return version as string;
  }

  it("read_file ends text with the file's version, the same for the same bytes, and a page has it too", async () => {
    writeFileSync(at("a.txt"), "one\ntwo\n");
    const version = await versionOf("a.txt");
    writeFileSync(at("a.txt"), "one\ntwo\n"); // a formatter's rewrite with the same bytes
    expect(await versionOf("a.txt")).toBe(version);
    const page = await s.call("read_file", { path: "a.txt", head: 1 });
    expect(rawTextOf(page)).toMatch(new RegExp(`\\n\\[version ${version}\\]$`));
    writeFileSync(at("empty.txt"), "");
    expect(rawTextOf(await s.call("read_file", { path: "empty.txt" }))).toBe(`[empty file]\n[version ${sha("")}]`);
  });

  it("gives no version for a file over maxFileBytes, which no write takes", async () => {
    writeFileSync(at("big.txt"), "x\n".repeat(3000));
    const result = await s.call("read_file", { path: "big.txt" });
    expect(rawTextOf(result)).not.toContain("[version");
  });

  it("write_file refuses, changing nothing, when the file changed since it was read, naming its version now", async () => {
    writeFileSync(at("b.txt"), "as read");
    const read = await versionOf("b.txt");
    writeFileSync(at("b.txt"), "someone else's change");
    const refused = await s.call("write_file", { path: "b.txt", content: "mine", expectedVersion: read });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toBe(
      `write_file failed: "b.txt": changed since it was read: it is now version ${sha("someone else's change")}, not ${read}; nothing written — read_file it again, and make the change to what it holds now`,
    );
    expect(readFileSync(at("b.txt"), "utf8")).toBe("someone else's change");
    const now = await versionOf("b.txt");
    const written = await s.call("write_file", { path: "b.txt", content: "mine", expectedVersion: now });
    expect(textOf(written)).toBe("replaced b.txt (4 bytes)");
    expect(readdirSync(ws.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("write_file passes a rewrite with the same bytes, and refuses a deleted file or a directory in its place", async () => {
    writeFileSync(at("c.txt"), "same");
    const read = await versionOf("c.txt");
    unlinkSync(at("c.txt"));
    writeFileSync(at("c.txt"), "same"); // a new inode and mtime, the same content
    expect(textOf(await s.call("write_file", { path: "c.txt", content: "v2", expectedVersion: read }))).toBe(
      "replaced c.txt (2 bytes)",
    );
    const v2 = await versionOf("c.txt");
    unlinkSync(at("c.txt"));
    const gone = await s.call("write_file", { path: "c.txt", content: "v3", expectedVersion: v2 });
    expect(textOf(gone)).toMatch(
      /^write_file failed: "c\.txt": deleted since it was read \(expectedVersion [0-9a-f]{16}\); nothing written/,
    );
    mkdirSync(at("c.txt"));
    const dir = await s.call("write_file", { path: "c.txt", content: "v3", expectedVersion: v2 });
    expect(dir.isError).toBe(true);
    expect(readdirSync(at("c.txt"))).toEqual([]);
    rmSync(at("c.txt"), { recursive: true });
  });

  it("write_file refuses a file swapped for a symlink to another file since it was read", async () => {
    writeFileSync(at("d.txt"), "mine to change");
    writeFileSync(at("other.txt"), "someone else's file");
    const read = await versionOf("d.txt");
    unlinkSync(at("d.txt"));
    symlinkSync("other.txt", at("d.txt"));
    const refused = await s.call("write_file", { path: "d.txt", content: "x", expectedVersion: read });
    expect(textOf(refused)).toMatch(/changed since it was read/);
    expect(readFileSync(at("other.txt"), "utf8")).toBe("someone else's file");
  });

  it('write_file with expectedVersion "new" creates a file, and refuses one that exists', async () => {
    expect(textOf(await s.call("write_file", { path: "new.txt", content: "first", expectedVersion: "new" }))).toBe(
      "created new.txt (5 bytes)",
    );
    const again = await s.call("write_file", { path: "new.txt", content: "second", expectedVersion: "new" });
    expect(textOf(again)).toBe(
      `write_file failed: "new.txt": exists (version ${sha("first")}), and expectedVersion "new" asks that it not; nothing written — read_file it, then write with its version to replace it`,
    );
    expect(readFileSync(at("new.txt"), "utf8")).toBe("first");
  });

  it("of two writes of one version at once, one lands and the other is refused; of two creations, the second says it replaced: no mixed file, no temp file", async () => {
    writeFileSync(at("e.txt"), "as read");
    const read = await versionOf("e.txt");
    const contents = ["A".repeat(3000), "B".repeat(3000)];
    const results = await Promise.all(
      contents.map((content) => s.call("write_file", { path: "e.txt", content, expectedVersion: read })),
    );
    expect(results.filter((r) => r.isError)).toHaveLength(1);
    expect(contents).toContain(readFileSync(at("e.txt"), "utf8"));
    const created = await Promise.all(
      contents.map((content) => s.call("write_file", { path: "f.txt", content, expectedVersion: "new" })),
    );
    expect(created.filter((r) => r.isError)).toHaveLength(1);
    expect(contents).toContain(readFileSync(at("f.txt"), "utf8"));
    // With no version, both land, and only the first to land says it created the file.
    const plain = await Promise.all(contents.map((content) => s.call("write_file", { path: "g.txt", content })));
    expect(plain.map((r) => textOf(r)).sort()).toEqual([
      "created g.txt (3000 bytes)",
      "replaced g.txt (3000 bytes); someone else created it while this write ran, and this content replaced theirs",
    ]);
    const last = plain.findIndex((r) => textOf(r).startsWith("replaced"));
    expect(readFileSync(at("g.txt"), "utf8")).toBe(contents[last]);
    expect(readdirSync(ws.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("edit_file refuses, changing nothing, when the file changed since it was read; without a version it edits what is there", async () => {
    writeFileSync(at("g.txt"), "alpha\nbeta\n");
    const read = await versionOf("g.txt");
    writeFileSync(at("g.txt"), "alpha\nbeta\ngamma\n");
    const edits = [{ oldText: "beta", newText: "BETA" }];
    const refused = await s.call("edit_file", { path: "g.txt", edits, expectedVersion: read });
    expect(textOf(refused)).toMatch(
      /^edit_file failed: "g\.txt": changed since it was read: it is now version [0-9a-f]{16}, not /,
    );
    expect(readFileSync(at("g.txt"), "utf8")).toBe("alpha\nbeta\ngamma\n");
    expect(
      (await s.call("edit_file", { path: "g.txt", edits, expectedVersion: await versionOf("g.txt") })).isError,
    ).toBeFalsy();
    expect(readFileSync(at("g.txt"), "utf8")).toBe("alpha\nBETA\ngamma\n");
    expect(
      (await s.call("edit_file", { path: "g.txt", edits: [{ oldText: "gamma", newText: "G" }] })).isError,
    ).toBeFalsy();
    expect(readFileSync(at("g.txt"), "utf8")).toBe("alpha\nBETA\nG\n");
  });

  it.each([
    ["write_file", { content: "x", expectedVersion: "abc" }],
    ["edit_file", { edits: [{ oldText: "a", newText: "b" }], expectedVersion: "sha256:0123" }],
    ["edit_file", { edits: [{ oldText: "a", newText: "b" }], expectedVersion: "new" }],
  ])("%s refuses an expectedVersion that is not one it can check, saying what to give", async (tool, args) => {
    writeFileSync(at("h.txt"), "a");
    const result = await s.call(tool, { path: "h.txt", ...args });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/expectedVersion/);
    expect(readFileSync(at("h.txt"), "utf8")).toBe("a");
  });
});

describe("a read-only server, which offers no write to check a version", () => {
  it("ends read_file's and read_multiple_files' text with the file alone, no version", async () => {
    const ws = tempDir();
    writeFileSync(path.join(ws.dir, "a.txt"), "The fog comes\non little cat feet.\n");
    const s = await connect({ root: ws.dir, readOnly: true });
    try {
      expect(rawTextOf(await s.call("read_file", { path: "a.txt" }))).toBe("The fog comes\non little cat feet.\n");
      expect(rawTextOf(await s.call("read_multiple_files", { paths: ["a.txt"] }))).not.toContain("[version");
    } finally {
      await s.close();
      ws.cleanup();
    }
  });
});
