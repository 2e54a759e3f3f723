import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, tempDir, textOf } from "../helpers.js";

describe("list_directory", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    mkdirSync(path.join(ws.dir, "src"));
    writeFileSync(path.join(ws.dir, "README.md"), "x".repeat(2048));
    symlinkSync("README.md", path.join(ws.dir, "link.md"));
    mkdirSync(path.join(ws.dir, "crowd"));
    for (let i = 0; i < 12; i++) writeFileSync(path.join(ws.dir, "crowd", `f${String(i).padStart(2, "0")}`), "");
    mkdirSync(path.join(ws.dir, "empty"));
    s = await connect({ root: ws.dir, maxEntries: 5 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("marks directories, files and links, with sizes and structured content; defaults to the root", async () => {
    const result = await s.call("list_directory", {});
    expect(textOf(result)).toBe(
      ["[FILE] README.md (2.0 KiB)", "[DIR]  crowd/", "[DIR]  empty/", "[LINK] link.md", "[DIR]  src/"].join("\n"),
    );
    expect(result.structuredContent).toEqual({
      path: ".",
      entries: [
        { name: "README.md", type: "file", size: 2048 },
        { name: "crowd", type: "directory" },
        { name: "empty", type: "directory" },
        { name: "link.md", type: "symlink" },
        { name: "src", type: "directory" },
      ],
      total: 5,
      omitted: 0,
    });
  });

  it("caps the list and counts what it left out", async () => {
    const result = await s.call("list_directory", { path: "crowd" });
    expect(textOf(result)).toContain("[7 more entries not shown");
    expect(result.structuredContent).toMatchObject({ path: "crowd", total: 12, omitted: 7 });
    expect((result.structuredContent as { entries: unknown[] }).entries).toHaveLength(5);
  });

  it("says one entry left out in the singular", async () => {
    const one = tempDir();
    for (let i = 0; i < 6; i++) writeFileSync(path.join(one.dir, `f${i}`), "");
    const c = await connect({ root: one.dir, maxEntries: 5 });
    try {
      expect(textOf(await c.call("list_directory", {}))).toContain(
        "[1 more entry not shown; search_files with a pattern narrows the list]",
      );
    } finally {
      await c.close();
      one.cleanup();
    }
  });

  it("says when a directory is empty", async () => {
    expect(textOf(await s.call("list_directory", { path: "empty" }))).toBe("[empty directory]");
  });

  it.each([
    ["README.md", /is a file, not a directory/],
    ["nope", /not found/],
    ["/", /outside the workspace root/],
  ])("refuses %j", async (input, message) => {
    const result = await s.call("list_directory", { path: input });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });

  it("reads at most --max-scan-entries entries of one directory, and says the list comes from those", async () => {
    const capped = await connect({ root: ws.dir, maxEntries: 5, maxScanEntries: 10 });
    try {
      const result = await capped.call("list_directory", { path: "crowd" });
      expect(result.structuredContent).toMatchObject({ total: 10, omitted: 5, scanCapped: true });
      expect(textOf(result)).toContain(
        "[over 10 entries, the limit set by maxScanEntries: the list is sorted from the first 10 read",
      );
    } finally {
      await capped.close();
    }
  });

  it("shows a name with a newline or other control character escaped and quoted, so it cannot fake an entry", async () => {
    mkdirSync(path.join(ws.dir, "odd"));
    writeFileSync(path.join(ws.dir, "odd", "a.txt\n[FILE] fake.txt"), "");
    writeFileSync(path.join(ws.dir, "odd", "bell\u0007"), "");
    const result = await s.call("list_directory", { path: "odd" });
    expect(textOf(result)).toBe(['[FILE] "a.txt\\n[FILE] fake.txt" (0 B)', '[FILE] "bell\\u0007" (0 B)'].join("\n"));
    expect(result.structuredContent).toMatchObject({
      entries: [
        { name: "a.txt\n[FILE] fake.txt", type: "file", size: 0 },
        { name: "bell\u0007", type: "file", size: 0 },
      ],
    });
  });

  it("marks a name that is not UTF-8 on disk as one no tool can reach, and lists a real U+FFFD name as any", async () => {
    mkdirSync(path.join(ws.dir, "bytes"));
    // A Buffer path names the file by its raw bytes: 0xff is not UTF-8, and reads back decoded as U+FFFD.
    writeFileSync(Buffer.from(path.join(ws.dir, "bytes", "bad\xff.txt"), "latin1"), "x");
    mkdirSync(Buffer.from(path.join(ws.dir, "bytes", "dir\xfe"), "latin1"));
    writeFileSync(path.join(ws.dir, "bytes", "real\uFFFD.txt"), "x");
    const text = textOf(await s.call("list_directory", { path: "bytes" }));
    expect(text).toBe(
      [
        "[FILE] bad\uFFFD.txt [name not UTF-8 on disk, shown with U+FFFD: no tool can reach it by this name; rename it outside this server]",
        "[DIR]  dir\uFFFD/ [name not UTF-8 on disk, shown with U+FFFD: no tool can reach it by this name; rename it outside this server]",
        "[FILE] real\uFFFD.txt (1 B)",
      ].join("\n"),
    );
  });
});

// Root enters any folder, so as root the call runs as nobody (the server is in-process).
describe("list_directory of a folder the server's user may read but not enter", () => {
  it("lists the names and says why no size is shown and what to ask for", async () => {
    const ws = tempDir();
    const asRoot = process.getuid?.() === 0;
    const shut = path.join(ws.dir, "shut");
    mkdirSync(shut);
    writeFileSync(path.join(shut, "a.txt"), "a");
    if (asRoot) for (const p of [ws.dir, shut]) chownSync(p, 65534, 65534);
    chmodSync(shut, 0o644);
    const s = await connect({ root: ws.dir });
    if (asRoot) {
      process.setegid?.(65534);
      process.seteuid?.(65534);
    }
    const result = await s.call("list_directory", { path: "shut" }).finally(() => {
      if (asRoot) {
        process.seteuid?.(0);
        process.setegid?.(0);
      }
    });
    await s.close();
    chmodSync(shut, 0o755);
    ws.cleanup();
    expect(textOf(result)).toBe(
      "[FILE] a.txt\n[the server's user may list this folder but not enter it (it lacks search, x, permission): sizes are not shown, and no tool can open what is in it; ask the user to grant that permission]",
    );
  });
});
