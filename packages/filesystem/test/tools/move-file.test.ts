import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { connect, tempDir, textOf } from "../helpers.js";

describe("move_file", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeEach(async () => {
    writeFileSync(path.join(ws.dir, "a.txt"), "A");
    writeFileSync(path.join(ws.dir, "b.txt"), "B");
    mkdirSync(path.join(ws.dir, "dir"), { recursive: true });
    if (!existsSync(path.join(ws.dir, "same-dir"))) symlinkSync(".", path.join(ws.dir, "same-dir"));
    s ??= await connect({ root: ws.dir });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("renames a file", async () => {
    expect(textOf(await s.call("move_file", { source: "a.txt", destination: "dir/c.txt" }))).toBe(
      "moved a.txt to dir/c.txt",
    );
    expect(existsSync(path.join(ws.dir, "a.txt"))).toBe(false);
    expect(readFileSync(path.join(ws.dir, "dir/c.txt"), "utf8")).toBe("A");
  });

  it("refuses a file moved to a folder named with a trailing / that does not exist, instead of making a file of that name", async () => {
    const result = await s.call("move_file", { source: "a.txt", destination: "dir/new/" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      'move_file failed: "dir/new/": no such directory (the trailing "/" names one); nothing was moved. To rename the file to "new", drop the "/"; to move it into a new folder, create_directory "dir/new" first, then move to "dir/new/a.txt"',
    );
    expect(existsSync(path.join(ws.dir, "dir/new"))).toBe(false);
    expect(readFileSync(path.join(ws.dir, "a.txt"), "utf8")).toBe("A");
    const slashed = await s.call("move_file", { source: "a.txt/", destination: "dir/other.txt" });
    expect(textOf(slashed)).toBe(
      'move_file failed: "a.txt/": is a file, but the trailing "/" names a directory; drop it',
    );
    // A symlink to a directory is no directory to move_file, which moves the link: it is not called a file.
    const linked = await s.call("move_file", { source: "same-dir/", destination: "dir/other" });
    expect(textOf(linked)).toBe(
      'move_file failed: "same-dir/": is a symlink (move_file moves the link itself, not what it points to), but the trailing "/" names a directory; drop it',
    );
    expect(lstatSync(path.join(ws.dir, "same-dir")).isSymbolicLink()).toBe(true);
    // A directory renamed with a trailing "/" on its new name is renamed, as mv does.
    mkdirSync(path.join(ws.dir, "slashed"));
    expect(textOf(await s.call("move_file", { source: "slashed", destination: "dir/renamed/" }))).toBe(
      "moved slashed to dir/renamed",
    );
  });

  it("moves a directory", async () => {
    mkdirSync(path.join(ws.dir, "from/inner"), { recursive: true });
    expect((await s.call("move_file", { source: "from", destination: "dir/to" })).isError).toBeFalsy();
    expect(existsSync(path.join(ws.dir, "dir/to/inner"))).toBe(true);
  });

  it("never overwrites", async () => {
    const result = await s.call("move_file", { source: "a.txt", destination: "b.txt" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('"b.txt": already exists; move_file never overwrites');
    expect(readFileSync(path.join(ws.dir, "b.txt"), "utf8")).toBe("B");
    expect(readFileSync(path.join(ws.dir, "a.txt"), "utf8")).toBe("A");
  });

  it.each([
    ["a.txt", "./a.txt"],
    ["a.txt", "same-dir/a.txt"], // the same file through a symlinked directory
    ["dir", "dir/"],
  ])("moving %j onto itself (%j) says so, without suggesting to delete it", async (source, destination) => {
    const result = await s.call("move_file", { source, destination });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/itself \(same file\); nothing to move/);
    expect(textOf(result)).not.toMatch(/delete_file/);
    expect(existsSync(path.join(ws.dir, source))).toBe(true);
  });

  it("refuses a destination that is an entry's name in another Unicode form, but renames an entry into the other form", async () => {
    const nfd = "cafe\u0301.txt";
    const nfc = "caf\u00e9.txt";
    writeFileSync(path.join(ws.dir, nfd), "decomposed");
    const result = await s.call("move_file", { source: "a.txt", destination: nfc });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `move_file failed: ${JSON.stringify(nfc)}: not moved: ${JSON.stringify(nfd)} is there, the same name in another Unicode form (NFC/NFD; macOS writes names decomposed), and a second entry would look the same as it; pick another name`,
    );
    expect(existsSync(path.join(ws.dir, "a.txt"))).toBe(true);
    expect(existsSync(path.join(ws.dir, nfc))).toBe(false);
    expect((await s.call("move_file", { source: nfd, destination: nfc })).isError).toBeFalsy();
    expect(readFileSync(path.join(ws.dir, nfc), "utf8")).toBe("decomposed");
    expect(existsSync(path.join(ws.dir, nfd))).toBe(false);
  });

  it("suggests the full path when the destination is a directory", async () => {
    const result = await s.call("move_file", { source: "a.txt", destination: "dir/" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('to move into that directory, use destination "dir/a.txt"');
  });

  it.each([
    [{ source: "missing", destination: "x" }, /"missing": not found/],
    [
      { source: "a.txt", destination: "no/such/dir/a.txt" },
      /"no\/such\/dir\/a.txt": its folder "no\/such\/dir" does not exist; create_directory "no\/such\/dir" first, then move$/,
    ],
    [{ source: "a.txt", destination: "../a.txt" }, /outside the workspace root/],
    [
      { source: "dir", destination: "dir/inside" },
      /^move_file failed: "dir\/inside": is inside "dir", and a directory cannot be moved into itself; nothing was moved — pick a destination outside it$/,
    ],
    [
      { source: "dir", destination: "same-dir/dir/deeper" },
      /is inside "dir", and a directory cannot be moved into itself/,
    ],
  ])("refuses %j", async (args, message) => {
    const result = await s.call("move_file", args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });

  // Root may change any folder, so the refusal is met as another user, for this one call (the server is in-process).
  it.skipIf(process.getuid?.() !== 0)(
    "a file its folder will not let go of stays where it was, with no second name left at the destination",
    async () => {
      const file = path.join(ws.dir, "locked/kept.txt");
      mkdirSync(path.dirname(file));
      writeFileSync(file, "K");
      chownSync(file, 65534, 65534);
      chownSync(path.join(ws.dir, "dir"), 65534, 65534);
      chmodSync(path.dirname(file), 0o555);
      chmodSync(ws.dir, 0o755);
      process.setegid?.(65534);
      process.seteuid?.(65534);
      const result = await s
        .call("move_file", { source: "locked/kept.txt", destination: "dir/kept.txt" })
        .finally(() => {
          process.seteuid?.(0);
          process.setegid?.(0);
        });
      expect(existsSync(path.join(ws.dir, "dir/kept.txt"))).toBe(false);
      expect(lstatSync(file).nlink).toBe(1);
      expect(textOf(result)).toBe(
        `move_file failed: "locked/kept.txt": permission denied: its folder "locked" does not let the server's user take the file out of it (the folder is not writable, or is sticky and the file another user's); nothing was moved`,
      );
    },
  );

  it.skipIf(process.getuid?.() !== 0)("a destination folder the server may not write is the one named", async () => {
    const shut = path.join(ws.dir, "shut");
    mkdirSync(shut);
    chmodSync(shut, 0o555);
    writeFileSync(path.join(ws.dir, "mine.txt"), "M");
    chownSync(path.join(ws.dir, "mine.txt"), 65534, 65534);
    chownSync(ws.dir, 65534, 65534);
    process.setegid?.(65534);
    process.seteuid?.(65534);
    const result = await s.call("move_file", { source: "mine.txt", destination: "shut/mine.txt" }).finally(() => {
      process.seteuid?.(0);
      process.setegid?.(0);
    });
    expect(textOf(result)).toBe(
      `move_file failed: "shut/mine.txt": permission denied: its folder "shut" is not writable by the server's user; nothing was moved`,
    );
    expect(readFileSync(path.join(ws.dir, "mine.txt"), "utf8")).toBe("M");
  });

  it.skipIf(process.getuid?.() !== 0)(
    "a directory moved into a folder the server may not write names both folders",
    async () => {
      const closed = path.join(ws.dir, "closed");
      mkdirSync(closed);
      chmodSync(closed, 0o555);
      mkdirSync(path.join(ws.dir, "mydir"));
      chownSync(path.join(ws.dir, "mydir"), 65534, 65534);
      chownSync(ws.dir, 65534, 65534);
      process.setegid?.(65534);
      process.seteuid?.(65534);
      const result = await s.call("move_file", { source: "mydir", destination: "closed/mydir" }).finally(() => {
        process.seteuid?.(0);
        process.setegid?.(0);
      });
      expect(textOf(result)).toBe(
        `move_file failed: "mydir" to "closed/mydir": permission denied: a move needs the server's user to write in the source's folder "." and the destination's folder "closed" (and, for a directory changing folder, in the directory itself); nothing was moved`,
      );
      expect(existsSync(path.join(ws.dir, "mydir"))).toBe(true);
    },
  );

  it.skipIf(process.getuid?.() !== 0)(
    "a file moved into a read-only mount names the destination, not the source that is on a writable disk",
    async (ctx) => {
      const shelf = path.join(ws.dir, "shelf");
      mkdirSync(shelf);
      if (!readOnlyMount(shelf)) ctx.skip("no mount allowed here (an unprivileged container)");
      const result = await s
        .call("move_file", { source: "a.txt", destination: "shelf/a.txt" })
        .finally(() => execFileSync("umount", [shelf]));
      expect(textOf(result)).toMatch(/^move_file failed: "shelf\/a.txt": read-only filesystem: /);
      expect(readFileSync(path.join(ws.dir, "a.txt"), "utf8")).toBe("A");
    },
  );

  it("names a source and destination holding control characters escaped and quoted, as listings do", async () => {
    writeFileSync(path.join(ws.dir, "odd\rname.txt"), "O");
    const result = await s.call("move_file", { source: "odd\rname.txt", destination: "dir/\u202eodd.txt" });
    expect(textOf(result)).toBe('moved "odd\\rname.txt" to "dir/\\u202eodd.txt"');
    expect(readFileSync(path.join(ws.dir, "dir/\u202eodd.txt"), "utf8")).toBe("O");
  });
});

/** Make `dir` a read-only bind mount of itself; false (nothing left mounted) where mounting is not allowed. */
function readOnlyMount(dir: string): boolean {
  try {
    execFileSync("mount", ["--bind", dir, dir], { stdio: "ignore" });
  } catch {
    return false;
  }
  try {
    execFileSync("mount", ["-o", "remount,ro,bind", dir], { stdio: "ignore" });
    return true;
  } catch {
    execFileSync("umount", [dir]);
    return false;
  }
}
