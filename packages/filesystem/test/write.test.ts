import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { versionOf } from "../src/file-version.js";
import { Sandbox } from "../src/sandbox.js";
import type { Opened } from "../src/sandbox-paths.js";
import { tempName, writeAtomic } from "../src/write.js";
import { DIST, printedAsNobody, tempDir } from "./helpers.js";

/** What a write expects of the file as read now: its version. */
const seenOf = (file: string) => ({ version: versionOf(readFileSync(file)), maxBytes: 1 << 20 });

describe("writeAtomic", () => {
  const ws = tempDir();
  const sandbox = new Sandbox([ws.dir]);
  const file = path.join(ws.dir, "f.txt");
  afterAll(() => ws.cleanup());

  it("refuses to overwrite a change made since the file was read (edit_file's lost update)", async () => {
    writeFileSync(file, "as read");
    const seen = seenOf(file);
    writeFileSync(file, "someone else's change, longer");
    await expect(writeAtomic(sandbox, "f.txt", file, "mine", false, seen)).rejects.toThrow(/changed since it was read/);
    expect(readFileSync(file, "utf8")).toBe("someone else's change, longer");
    unlinkSync(file);
    await expect(writeAtomic(sandbox, "f.txt", file, "mine", false, seen)).rejects.toThrow(/deleted since it was read/);
    expect(readdirSync(ws.dir)).toEqual([]);
  });

  it("refuses the second of two writes from one reading that run at once, instead of writing over the first", async () => {
    writeFileSync(file, "as read");
    const seen = seenOf(file);
    const results = await Promise.allSettled(
      ["first", "second"].map((content) => writeAtomic(sandbox, "f.txt", file, content, false, seen)),
    );
    const kept = results.flatMap((result, i) => (result.status === "fulfilled" ? [["first", "second"][i]] : []));
    expect(kept).toHaveLength(1);
    const refused = results.find((result) => result.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason)).toMatch(
      /changed since it was read: it is now version [0-9a-f]{16}, not [0-9a-f]{16}; nothing written/,
    );
    expect(readFileSync(file, "utf8")).toBe(kept[0]);
    expect(readdirSync(ws.dir)).toEqual(["f.txt"]);
  });

  it("refuses a new file whose name is an existing one's in another Unicode form, and writes over the one there", async () => {
    const nfc = path.join(ws.dir, "caf\u00e9.txt");
    writeFileSync(nfc, "original");
    const nfd = path.join(ws.dir, "cafe\u0301.txt");
    await expect(writeAtomic(sandbox, "cafe\u0301.txt", nfd, "twin", false)).rejects.toThrow(
      /^"cafe\u0301\.txt": not written: "caf\u00e9\.txt" is here, the same name in another Unicode form/,
    );
    expect(readdirSync(ws.dir)).not.toContain("cafe\u0301.txt");
    await writeAtomic(sandbox, "caf\u00e9.txt", nfc, "updated", false);
    expect(readFileSync(nfc, "utf8")).toBe("updated");
    unlinkSync(nfc);
  });

  it("takes a rewrite of the same bytes since the read (a formatter, a checkout) for no change", async () => {
    writeFileSync(file, "as read");
    const seen = seenOf(file);
    unlinkSync(file);
    writeFileSync(file, "as read"); // another inode and mtime, the same content
    await writeAtomic(sandbox, "f.txt", file, "mine", false, seen);
    expect(readFileSync(file, "utf8")).toBe("mine");
    unlinkSync(file);
  });

  it("writes when nothing changed, leaving no temp file", async () => {
    writeFileSync(file, "as read");
    const seen = seenOf(file);
    await writeAtomic(sandbox, "f.txt", file, "mine", false, seen);
    expect(readFileSync(file, "utf8")).toBe("mine");
    expect(readdirSync(ws.dir)).toEqual(["f.txt"]);
  });

  it("makes its folders again when another call's undo removes them under it, instead of saying not found", async () => {
    // Another server's failed write_file removes the folders it made (make-dirs.ts) after this write opened them: at
    // the moment this write checks the name, as often as `times`.
    class UndoneUnderfoot extends Sandbox {
      constructor(private times: number) {
        super([ws.dir]);
      }
      override mutable(input: string, dir: Opened, name: string): string {
        if (this.times-- > 0) {
          rmdirSync(dir.real);
          rmdirSync(path.dirname(dir.real));
        }
        return super.mutable(input, dir, name);
      }
    }
    const lex = path.join(ws.dir, "made", "by", "new.txt");
    const done = await writeAtomic(new UndoneUnderfoot(1), "made/by/new.txt", lex, "mine", true);
    expect([done.created, readFileSync(lex, "utf8")]).toEqual([true, "mine"]);
    const again = path.join(ws.dir, "other", "by", "two.txt");
    await expect(writeAtomic(new UndoneUnderfoot(3), "other/by/two.txt", again, "x", true)).rejects.toThrow(
      /its folder was removed while this write ran, 3 times .* call again/,
    );
    expect(readdirSync(ws.dir)).not.toContain("other");
  });

  it("writes a file whose name takes nearly the 255 bytes a name may (CJK), its temp name kept within them", async () => {
    // 80 three-byte characters and ".txt": 244 bytes, a name Linux takes; cut to 200 characters, its temp name took 258.
    const name = `${"漢".repeat(80)}.txt`;
    const long = path.join(ws.dir, name);
    await writeAtomic(sandbox, name, long, "created", false);
    writeFileSync(long, "as read");
    await writeAtomic(sandbox, name, long, "replaced", false, seenOf(long));
    expect(readFileSync(long, "utf8")).toBe("replaced");
    expect(readdirSync(ws.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    unlinkSync(long);
  });

  it.each([
    ["short.txt", "short.txt"],
    ["a".repeat(255), "a".repeat(200)],
    ["漢".repeat(84), "漢".repeat(66)],
    ["😀".repeat(63), "😀".repeat(50)],
  ])("names the temp file of %j within 255 bytes, after as much of the name as fits whole", (name, kept) => {
    const temp = tempName(name);
    expect(temp).toMatch(/^\..*\.[0-9a-f]{12}\.tmp$/);
    expect(temp.slice(1, -17)).toBe(kept);
    expect(Buffer.byteLength(temp)).toBeLessThanOrEqual(255);
  });
});

const asRoot = process.getuid?.() === 0;

describe.skipIf(!asRoot)("writeAtomic, run as root (a container's usual user)", () => {
  const ws = tempDir();
  const sandbox = new Sandbox([ws.dir]);
  afterAll(() => ws.cleanup());

  it("keeps a replaced file's owner, group and mode, setuid included, instead of making it root's", async () => {
    const file = path.join(ws.dir, "tool");
    writeFileSync(file, "old");
    chownSync(file, 1234, 2345);
    chmodSync(file, 0o4755);
    await writeAtomic(sandbox, "tool", file, "new", false);
    const now = statSync(file);
    expect([now.uid, now.gid, now.mode & 0o7777]).toEqual([1234, 2345, 0o4755]);
    expect(readFileSync(file, "utf8")).toBe("new");
  });

  it("fails on a full disk and keeps the old file whole (and makes no folders), instead of a file cut short reported as written", async (ctx) => {
    const mount = path.join(ws.dir, "small");
    mkdirSync(mount);
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount], { stdio: "ignore" });
    } catch {
      ctx.skip("no mount allowed here (an unprivileged container); write-bytes.test.ts covers the loop");
    }
    try {
      const small = new Sandbox([mount]);
      const file = path.join(mount, "keep.txt");
      writeFileSync(file, "original content\n");
      await expect(writeAtomic(small, "keep.txt", file, "z".repeat(100_000), false)).rejects.toThrow(
        /no space left on device|ENOSPC/i,
      );
      expect(readFileSync(file, "utf8")).toBe("original content\n");
      expect(readdirSync(mount)).toEqual(["keep.txt"]);
      // Nor are the folders it made on the way to a new file left behind, empty.
      const deep = path.join(mount, "new", "dir", "big.txt");
      await expect(writeAtomic(small, "new/dir/big.txt", deep, "z".repeat(100_000), true)).rejects.toThrow(
        /ENOSPC|space/i,
      );
      expect(readdirSync(mount)).toEqual(["keep.txt"]);
    } finally {
      execFileSync("umount", [mount], { stdio: "ignore" });
    }
  });
});

describe.skipIf(!asRoot)("writeAtomic, run as another user", () => {
  const ws = tempDir();
  afterAll(() => ws.cleanup());

  it("says the folder refuses the temp file when the file itself is writable, not a bare permission denied", (ctx) => {
    const sub = path.join(ws.dir, "sub");
    mkdirSync(sub, { mode: 0o755 });
    const file = path.join(sub, "f.txt");
    writeFileSync(file, "theirs");
    chownSync(file, 65534, 65534);
    chmodSync(ws.dir, 0o755);
    const script = `
      const { Sandbox } = await import(${JSON.stringify(`${DIST}sandbox.js`)});
      const { writeAtomic } = await import(${JSON.stringify(`${DIST}write.js`)});
      const sandbox = new Sandbox([${JSON.stringify(ws.dir)}]);
      try { await writeAtomic(sandbox, "sub/f.txt", ${JSON.stringify(file)}, "mine", false); console.log("written"); }
      catch (error) { console.log(error.message); }`;
    expect(printedAsNobody(ctx, script)).toBe(
      `"sub/f.txt": permission denied: the file is replaced through a new file written beside it, and its folder is not writable by the server's user (the file itself may be); the folder must be made writable`,
    );
    expect(readFileSync(file, "utf8")).toBe("theirs");
  });
});
