import { chmodSync, chownSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, tempDir, textOf } from "../helpers.js";

describe("get_file_info", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "a.txt"), "hello");
    chmodSync(path.join(ws.dir, "a.txt"), 0o640);
    writeFileSync(path.join(ws.dir, "blob"), Buffer.from([0, 1, 2]));
    writeFileSync(path.join(ws.dir, "pic.gif"), Buffer.from("GIF89a\0\0", "latin1"));
    symlinkSync("a.txt", path.join(ws.dir, "link"));
    mkdirSync(path.join(ws.dir, "dir"));
    writeFileSync(path.join(ws.dir, "latin1.txt"), Buffer.from("line one\ncaf\xe9\n", "latin1"));
    // A 3-byte character that straddles the 8 KiB head, in a file that goes on past it.
    writeFileSync(path.join(ws.dir, "long.txt"), `${"a".repeat(8191)}€ and more`);
    s = await connect({ root: ws.dir });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("reports a text file's metadata as text and structured content", async () => {
    const result = await s.call("get_file_info", { path: "a.txt" });
    expect(result.structuredContent).toMatchObject({
      path: "a.txt",
      type: "file",
      symlink: false,
      size: 5,
      content: "text",
      utf8: true,
      permissions: "640",
    });
    expect(textOf(result)).toContain("size: 5 bytes");
    expect(textOf(result)).toMatch(/modified: \d{4}-\d\d-\d\dT/);
  });

  it.each([
    ["blob", { type: "file", content: "binary" }],
    ["pic.gif", { type: "file", content: "image", mimeType: "image/gif" }],
    ["dir", { type: "directory", content: "none" }],
    ["link", { path: "a.txt", symlink: true, content: "text" }],
    ["long.txt", { content: "text", utf8: true }],
  ])("classifies %s", async (input, expected) => {
    expect((await s.call("get_file_info", { path: input })).structuredContent).toMatchObject(expected);
  });

  it("says where a text file stops being UTF-8, and what read_file and edit_file do with it", async () => {
    const result = await s.call("get_file_info", { path: "latin1.txt" });
    expect(result.structuredContent).toMatchObject({ content: "text", utf8: false });
    expect(textOf(result)).toContain(
      "type: file (text, not UTF-8: byte 0xe9 on line 2; read_file shows such bytes as U+FFFD and edit_file refuses the file)",
    );
  });

  it.each([
    ["a symlink to a file outside", "out-link"],
    ["a path through a symlinked folder outside", "out-dir/x.txt"],
  ])("refuses %s as leading out through a symlink, not as a path outside the root", async (_, input) => {
    const outside = tempDir();
    try {
      writeFileSync(path.join(outside.dir, "x.txt"), "x");
      symlinkSync(path.join(outside.dir, "x.txt"), path.join(ws.dir, "out-link"));
      symlinkSync(outside.dir, path.join(ws.dir, "out-dir"));
      const result = await s.call("get_file_info", { path: input });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe(
        `get_file_info failed: "${input}": leads through a symlink (on the path or at its end) to a place outside the workspace root ${ws.dir}; use a path inside it (relative paths start at the root)`,
      );
    } finally {
      rmSync(path.join(ws.dir, "out-link"), { force: true });
      rmSync(path.join(ws.dir, "out-dir"), { force: true });
      outside.cleanup();
    }
  });

  it("refuses a missing path", async () => {
    const result = await s.call("get_file_info", { path: "nope" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('"nope": not found');
  });

  it("shows a path holding a newline escaped and quoted in the text, and as it is in structuredContent", async () => {
    writeFileSync(path.join(ws.dir, "info\ntype: directory"), "");
    const result = await s.call("get_file_info", { path: "info\ntype: directory" });
    expect(textOf(result).split("\n").slice(0, 2)).toEqual(['path: "info\\ntype: directory"', "type: file (text)"]);
    expect((result.structuredContent as { path: string }).path).toBe("info\ntype: directory");
  });

  it("describes a unix socket, which cannot be opened, instead of failing on it", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path.join(ws.dir, "app.sock"), resolve));
    try {
      const result = await s.call("get_file_info", { path: "app.sock" });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ path: "app.sock", type: "other", content: "none" });
      expect(textOf(result)).toContain("type: other (socket: no tool reads or writes it)");
    } finally {
      server.close();
    }
  });
});

describe("get_file_info of UTF-16 text", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "be.txt"), Buffer.from("\uFEFFhi\r\n", "utf16le").swap16());
    writeFileSync(path.join(ws.dir, "unmarked.txt"), Buffer.from("no byte order mark\r\n", "utf16le"));
    s = await connect({ root: ws.dir });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("names the encoding of a BOM-marked file, which is text", async () => {
    const result = await s.call("get_file_info", { path: "be.txt" });
    expect(result.structuredContent).toMatchObject({ content: "text", utf8: false, encoding: "UTF-16BE" });
    expect(textOf(result)).toContain(
      "type: file (text, UTF-16BE with a byte order mark: read_file shows it decoded, and edits keep its encoding)",
    );
  });

  it("says a binary laid out as UTF-16 without a BOM is not decoded", async () => {
    const result = await s.call("get_file_info", { path: "unmarked.txt" });
    expect(result.structuredContent).toMatchObject({ content: "binary" });
    expect(result.structuredContent).not.toHaveProperty("encoding");
    expect(textOf(result)).toContain("(binary, laid out as UTF-16 without a byte order mark, which is not decoded");
  });
});

// Metadata needs no read permission, and the mode and owner are what explain a "permission denied" elsewhere. Root
// reads anything, so as root the calls run as nobody (the server is in-process).
describe("get_file_info of what the server's user may not read", () => {
  const ws = tempDir();
  const asRoot = process.getuid?.() === 0;
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "secret.txt"), "s");
    mkdirSync(path.join(ws.dir, "shut"));
    writeFileSync(path.join(ws.dir, "shut", "in.txt"), "i");
    // A folder that may be passed through but not listed, holding what may not be read either.
    mkdirSync(path.join(ws.dir, "pass", "inner"), { recursive: true });
    writeFileSync(path.join(ws.dir, "pass", "locked.txt"), "l");
    symlinkSync("locked.txt", path.join(ws.dir, "pass", "to-locked"));
    const made = ["", "secret.txt", "shut", "shut/in.txt", "pass", "pass/inner", "pass/locked.txt"];
    if (asRoot) for (const p of made) chownSync(path.join(ws.dir, p), 65534, 65534);
    chmodSync(path.join(ws.dir, "secret.txt"), 0o000);
    chmodSync(path.join(ws.dir, "shut"), 0o000);
    chmodSync(path.join(ws.dir, "pass", "locked.txt"), 0o000);
    chmodSync(path.join(ws.dir, "pass", "inner"), 0o311);
    chmodSync(path.join(ws.dir, "pass"), 0o311);
    s = await connect({ root: ws.dir });
  });
  afterAll(async () => {
    await s.close();
    chmodSync(path.join(ws.dir, "shut"), 0o755);
    chmodSync(path.join(ws.dir, "pass"), 0o755);
    ws.cleanup();
  });
  const call = (p: string) => {
    if (!asRoot) return s.call("get_file_info", { path: p });
    process.setegid?.(65534);
    process.seteuid?.(65534);
    return s.call("get_file_info", { path: p }).finally(() => {
      process.seteuid?.(0);
      process.setegid?.(0);
    });
  };

  it.each([
    ["secret.txt", "file", "may not read it", "read permission"],
    ["shut", "directory", "may not list it", "read and search (x) permission"],
  ])("reports %s's type, mode and owner, and that it cannot be read", async (p, type, may, grant) => {
    const result = await call(p);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      path: p,
      type,
      content: "none",
      readable: false,
      permissions: "000",
    });
    expect(textOf(result)).toMatch(
      new RegExp(
        `^type: ${type} \\(the server's user, uid \\d+, ${may}; it is owned by uid \\d+, gid \\d+: ask the user to grant ${grant.replace(/[()]/g, "\\$&")}\\)$`,
        "m",
      ),
    );
  });

  // Metadata needs only search permission on the way, which is all stat(2) needs: Linux's O_PATH opens such a path to
  // look at it. Elsewhere its folder must be opened, which a folder that may not be listed refuses.
  it.for([
    ["pass/locked.txt", "pass/locked.txt", "file", "000", false, "may not read it", "read"],
    // Passed through already: read permission is all it lacks.
    ["pass/inner", "pass/inner", "directory", "311", false, "may not list it", "read"],
    ["pass/to-locked", "pass/locked.txt", "file", "000", true, "may not read it", "read"],
  ] as const)(
    "reports %s, in a folder it may pass through but not list",
    async ([p, shown, type, mode, link, may, grant], ctx) => {
      if (process.platform !== "linux") ctx.skip("only Linux's O_PATH looks at a path without opening its folder");
      const result = await call(p);
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(result.structuredContent).toMatchObject({
        path: shown,
        type,
        symlink: link,
        content: "none",
        readable: false,
        permissions: mode,
      });
      expect(textOf(result)).toMatch(
        new RegExp(
          `^type: ${type} \\(the server's user, uid \\d+, ${may}; .*: ask the user to grant ${grant} permission\\)$`,
          "m",
        ),
      );
    },
  );

  it("still refuses what lies in a folder it may not search, saying what to do", async () => {
    const result = await call("shut/in.txt");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^get_file_info failed: "shut\/in.txt": permission denied: the server's user lacks/);
  });
});
