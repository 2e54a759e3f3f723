import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, tempDir, textOf } from "../helpers.js";

describe("write_file", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    mkdirSync(path.join(ws.dir, "folder"));
    s = await connect({ root: ws.dir, maxFileBytes: 1000 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("creates a file and its missing parent directories", async () => {
    const result = await s.call("write_file", { path: "a/b/c.txt", content: "héllo" });
    expect(textOf(result)).toBe("created a/b/c.txt (6 bytes)");
    expect(readFileSync(path.join(ws.dir, "a/b/c.txt"), "utf8")).toBe("héllo");
  });

  it("leaves none of the folders it made when the write then fails, and keeps the ones that were there", async () => {
    // A name too long for the disk is refused after its folders were made, as a full disk is (write.test.ts).
    const long = s.call("write_file", { path: `folder/new/deeper/${"n".repeat(300)}.txt`, content: "x" });
    expect(textOf(await long)).toMatch(/name too long/);
    const stale = await s.call("write_file", {
      path: "new/x/y.txt",
      content: "x",
      expectedVersion: "0123456789abcdef",
    });
    expect(textOf(stale)).toMatch(/deleted since it was read/);
    expect(readdirSync(path.join(ws.dir, "folder"))).toEqual([]);
    expect(existsSync(path.join(ws.dir, "new"))).toBe(false);
  });

  it("counts a one-byte file in the singular", async () => {
    expect(textOf(await s.call("write_file", { path: "one.txt", content: "x" }))).toBe("created one.txt (1 byte)");
  });

  it("replaces a file, keeping its mode and leaving no temp file behind", async () => {
    const file = path.join(ws.dir, "script.sh");
    writeFileSync(file, "old");
    chmodSync(file, 0o750);
    expect(textOf(await s.call("write_file", { path: "script.sh", content: "new" }))).toBe(
      "replaced script.sh (3 bytes)",
    );
    expect(readFileSync(file, "utf8")).toBe("new");
    expect(statSync(file).mode & 0o777).toBe(0o750);
    expect(readdirSync(ws.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("writes content as given, and says when it drops the CRLF line ends or byte order mark the file had", async () => {
    const file = path.join(ws.dir, "windows.txt");
    writeFileSync(file, "\uFEFFone\r\ntwo\r\n");
    const result = await s.call("write_file", { path: "windows.txt", content: "one\nTWO\n" });
    expect(textOf(result)).toBe(
      "replaced windows.txt (8 bytes); the file had CRLF line ends (this content has LF) and a UTF-8 byte order mark; write \\r\\n line ends and a leading \\uFEFF to keep the file as it was",
    );
    expect(readFileSync(file, "utf8")).toBe("one\nTWO\n");
    const kept = await s.call("write_file", { path: "windows.txt", content: "one\r\ntwo\r\n" });
    expect(textOf(kept)).toBe("replaced windows.txt (10 bytes)");
  });

  it("says when the file it replaced had other hard links, which keep the old content", async () => {
    const file = path.join(ws.dir, "linked.txt");
    writeFileSync(file, "old");
    linkSync(file, path.join(ws.dir, "linked-too.txt"));
    linkSync(file, path.join(ws.dir, "linked-three.txt"));
    expect(textOf(await s.call("write_file", { path: "linked.txt", content: "new" }))).toBe(
      "replaced linked.txt (3 bytes); the file had 2 other hard links, which keep the old content: the write made a new file under this name only",
    );
    expect(readFileSync(path.join(ws.dir, "linked-too.txt"), "utf8")).toBe("old");
    expect(textOf(await s.call("write_file", { path: "linked-too.txt", content: "new" }))).toMatch(
      /\(3 bytes\); the file had 1 other hard link, which keeps the old content/,
    );
    expect(textOf(await s.call("write_file", { path: "linked.txt", content: "newer" }))).toBe(
      "replaced linked.txt (5 bytes)",
    );
  });

  it("respects a read-only file", async () => {
    const file = path.join(ws.dir, "locked.txt");
    writeFileSync(file, "keep");
    chmodSync(file, 0o444);
    const result = await s.call("write_file", { path: "locked.txt", content: "x" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("permission denied");
    expect(readFileSync(file, "utf8")).toBe("keep");
  });

  it.each([
    [
      "dangling.txt",
      "missing.txt",
      /"dangling.txt": is a symlink to "missing.txt", which does not exist; write_file "missing.txt" to create it, or delete_file the link first/,
    ],
    ["chained.txt", "dangling.txt", /"chained.txt": is a symlink to "missing.txt", which does not exist/],
    ["deep-dangling.txt", "folder/none/x.txt", /is a symlink to "folder\/none\/x.txt", which does not exist/],
    [
      "self.txt",
      "self.txt",
      /"self.txt": is a symlink that loops back to itself; delete_file it first, or write to another path/,
    ],
  ])("writing to the symlink %j (to %j) inside the root says where it leads", async (link, target, message) => {
    symlinkSync(target, path.join(ws.dir, link));
    const result = await s.call("write_file", { path: link, content: "x" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(textOf(result)).not.toContain("outside");
    expect(lstatSync(path.join(ws.dir, link)).isSymbolicLink()).toBe(true);
    expect(existsSync(path.join(ws.dir, "missing.txt"))).toBe(false);
  });

  it("refuses content or a path with half a surrogate pair, which UTF-8 would turn into U+FFFD, creating nothing", async () => {
    for (const [args, where] of [
      [{ path: "broken.txt", content: "a\uD800b" }, "content: character 1"],
      [{ path: "s\uDC00.txt", content: "ok" }, "path: character 1"],
    ] as const) {
      const result = await s.call("write_file", args);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain(`${where} is half of a UTF-16 surrogate pair`);
    }
    expect(readdirSync(ws.dir).filter((name) => name.startsWith("broken") || name.includes("\uFFFD"))).toEqual([]);
  });

  it("names the exact sizes of a write just over the limit, where rounded they would read the same", async () => {
    const limit = 1024 * 1024;
    const big = await connect({ root: ws.dir, maxFileBytes: limit });
    try {
      const result = await big.call("write_file", { path: "huge.txt", content: "x".repeat(limit + 1) });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe(
        'write_file failed: "huge.txt": content is 1,048,577 B, over the 1,048,576 B write limit, set by maxFileBytes; split it into smaller files',
      );
    } finally {
      await big.close();
    }
  });

  it.each([
    [{ path: "folder", content: "x" }, /is a directory/],
    [{ path: "new/", content: "x" }, /ends in "\/", which names a directory/],
    [{ path: ".", content: "x" }, /workspace root/],
    [{ path: "big.txt", content: "x".repeat(1001) }, /over the 1000 B write limit/],
    [{ path: "../escape.txt", content: "x" }, /outside the workspace root/],
  ])("refuses %j", async (args, message) => {
    const result = await s.call("write_file", args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });

  it("names a file whose name holds a control character escaped and quoted, as listings do", async () => {
    const result = await s.call("write_file", { path: "made\n[FILE] fake.txt", content: "x" });
    expect(textOf(result)).toBe('created "made\\n[FILE] fake.txt" (1 byte)');
    expect(readFileSync(path.join(ws.dir, "made\n[FILE] fake.txt"), "utf8")).toBe("x");
  });
});

describe("write_file over UTF-16 and CR-ended files", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  const le = (text: string) => Buffer.from(`\uFEFF${text}`, "utf16le");
  const file = (name: string) => path.join(ws.dir, name);
  beforeAll(async () => {
    s = await connect({ root: ws.dir, maxFileBytes: 100 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("keeps a UTF-16 file's encoding and BOM, and says so", async () => {
    writeFileSync(file("be.txt"), le("old\r\n").swap16());
    const result = await s.call("write_file", { path: "be.txt", content: "new é\r\n" });
    expect(textOf(result)).toBe(
      "replaced be.txt (16 bytes); written as UTF-16BE with its byte order mark, as the file was (to make it UTF-8, delete_file it first)",
    );
    expect(readFileSync(file("be.txt"))).toEqual(le("new é\r\n").swap16());
    // A leading U+FEFF is the BOM, written once.
    await s.call("write_file", { path: "be.txt", content: "\uFEFFagain" });
    expect(readFileSync(file("be.txt"))).toEqual(le("again").swap16());
  });

  it("says a UTF-16 file's CRLF line ends were dropped, and counts its limit in UTF-16 bytes", async () => {
    writeFileSync(file("ps.txt"), le("a\r\nb\r\n"));
    expect(textOf(await s.call("write_file", { path: "ps.txt", content: "a\nb\n" }))).toContain(
      "the file had CRLF line ends (this content has LF)",
    );
    const result = await s.call("write_file", { path: "ps.txt", content: "x".repeat(60) });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("content is 122 B, over the 100 B write limit");
  });

  it("says a file's CR line ends were dropped", async () => {
    writeFileSync(file("mac.csv"), "a\rb\r");
    expect(textOf(await s.call("write_file", { path: "mac.csv", content: "a\nb\n" }))).toContain(
      "the file had CR line ends (classic Mac; this content has LF); write \\r line ends to keep the file as it was",
    );
  });
});
