import {
  closeSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asDirectory, type MadeDirs, makeDirs, undoingMadeDirs } from "../src/make-dirs.js";
import { Sandbox } from "../src/sandbox.js";
import { tempDir } from "./helpers.js";

const base = tempDir("fs-make-dirs-");
mkdirSync(path.join(base.dir, "have"));
writeFileSync(path.join(base.dir, "file.txt"), "x");
afterAll(() => base.cleanup());

describe.each([
  ["/proc/self/fd", undefined],
  ["the portable fallback", false],
])("makeDirs (%s)", (_, procFd) => {
  const sandbox = new Sandbox([base.dir], procFd, ["keep/secret"]);

  it("makes every missing component and returns the last one opened", () => {
    const target = path.join(base.dir, "have", `a-${String(procFd)}`, "b", "c");
    const dir = makeDirs(sandbox, "have/a/b/c", base.dir, target);
    closeSync(dir.fd);
    expect(dir.real).toBe(target);
    expect(statSync(target).isDirectory()).toBe(true);
  });

  it("refuses a hidden component, making the directories above it only", () => {
    expect(() => makeDirs(sandbox, "keep/secret/x", base.dir, path.join(base.dir, "keep", "secret", "x"))).toThrow(
      /"keep\/secret\/x": kept from the file tools by the server's --hide setting/,
    );
    expect(existsSync(path.join(base.dir, "keep"))).toBe(true);
    expect(existsSync(path.join(base.dir, "keep", "secret"))).toBe(false);
  });

  it("refuses a file in the way, naming it", () => {
    expect(() => makeDirs(sandbox, "file.txt/x", base.dir, path.join(base.dir, "file.txt", "x"))).toThrow(
      /"file.txt\/x": .*file.txt is a file, not a directory/,
    );
  });
});

describe.each([
  ["/proc/self/fd", undefined],
  ["the portable fallback", false],
])("undoingMadeDirs (%s)", (_, procFd) => {
  const top = `undo-${String(procFd)}`;
  const sandbox = new Sandbox([base.dir], procFd, [`have/${top}/h/secret`]);
  const at = (...parts: string[]) => path.join(base.dir, "have", top, ...parts);
  /** Make have/<top>/a/b/c, let `meanwhile` act on the tree, then fail the call. */
  const failAfterMaking = (meanwhile: () => void = () => {}) =>
    undoingMadeDirs(sandbox, (made: MadeDirs) => {
      closeSync(makeDirs(sandbox, "a/b/c", base.dir, at("a", "b", "c"), made).fd);
      meanwhile();
      throw new Error("no space left on device");
    });

  it("removes every folder a failed call made, and none that was there before it", async () => {
    mkdirSync(at(), { recursive: true });
    await expect(failAfterMaking()).rejects.toThrow("no space left on device");
    expect(readdirSync(at())).toEqual([]);
    expect(existsSync(path.join(base.dir, "have"))).toBe(true);
  });

  it("keeps the folders a call made when it succeeds", async () => {
    const dir = await undoingMadeDirs(sandbox, (made) => makeDirs(sandbox, "a/b", base.dir, at("a", "b"), made));
    closeSync(dir.fd);
    expect(statSync(at("a", "b")).isDirectory()).toBe(true);
  });

  it("keeps a folder someone else filled meanwhile, and the folders above it", async () => {
    await expect(failAfterMaking(() => writeFileSync(at("a", "b", "theirs.txt"), "x"))).rejects.toThrow();
    expect(readdirSync(at("a", "b"))).toEqual(["theirs.txt"]);
  });

  it("keeps a folder put in the place of one it made, even an empty one", async () => {
    await expect(
      failAfterMaking(() => {
        renameSync(at("a", "b", "c"), at("moved"));
        mkdirSync(at("a", "b", "c"));
      }),
    ).rejects.toThrow();
    expect(existsSync(at("a", "b", "c"))).toBe(true);
  });

  it("removes nothing a symlink swapped in for a folder it made leads to", async () => {
    const elsewhere = at("elsewhere");
    mkdirSync(path.join(elsewhere, "b", "c"), { recursive: true });
    await expect(
      failAfterMaking(() => {
        renameSync(at("a"), at("swapped"));
        symlinkSync(elsewhere, at("a"));
      }),
    ).rejects.toThrow();
    expect(statSync(path.join(elsewhere, "b", "c")).isDirectory()).toBe(true);
  });

  it("removes the folders made above a hidden component it refused", async () => {
    await expect(
      undoingMadeDirs(sandbox, (made) => makeDirs(sandbox, "h/secret/x", base.dir, at("h", "secret", "x"), made)),
    ).rejects.toThrow(/kept from the file tools/);
    expect(existsSync(at("h"))).toBe(false);
  });
});

describe("asDirectory", () => {
  const sandbox = new Sandbox([base.dir]);

  it("passes a directory through and refuses a file", () => {
    const dir = asDirectory(sandbox, "have", sandbox.open("have"));
    closeSync(dir.fd);
    const file = sandbox.open("file.txt");
    expect(() => asDirectory(sandbox, "file.txt", file)).toThrow(/"file.txt": file.txt is a file, not a directory/);
    // It closed the file's descriptor before refusing.
    expect(() => closeSync(file.fd)).toThrow(/EBADF/);
  });
});
