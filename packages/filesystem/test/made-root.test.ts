// The folder the bin made: removed only while it is that folder and empty, never a folder put in its place or one
// with anything in it; made again on request. Real directories in a temp dir.
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MadeRoot } from "../src/made-root.js";
import { tempDir } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A project folder with a freshly made ./workspace, taken as made. */
function made() {
  const { dir, cleanup } = tempDir("fs-made-");
  cleanups.push(cleanup);
  const workspace = path.join(dir, "workspace");
  mkdirSync(workspace);
  return { dir, workspace, root: new MadeRoot(workspace, [workspace]) };
}

describe("MadeRoot", () => {
  it.each([
    ["a folder that is not a root", "elsewhere"],
    ["a missing folder", "missing"],
  ])("refuses %s", (_, rel) => {
    const { dir, workspace } = made();
    mkdirSync(path.join(dir, "elsewhere"));
    expect(() => new MadeRoot(path.join(dir, rel), [workspace])).toThrow(
      new TypeError(`createdRoot ${path.join(dir, rel)} is not one of the roots (${workspace})`),
    );
  });

  it("removes the empty folder it made, once", () => {
    const { workspace, root } = made();
    expect(root.release()).toBe("removed (this server made it, and it was still empty)");
    expect(existsSync(workspace)).toBe(false);
    expect(root.release()).toBeUndefined();
  });

  it("keeps a folder something was put in, and the file in it, from then on", () => {
    const { workspace, root } = made();
    writeFileSync(path.join(workspace, "notes.txt"), "mine");
    expect(root.release()).toBe("kept (not empty)");
    expect(readFileSync(path.join(workspace, "notes.txt"), "utf8")).toBe("mine");
    expect(root.release()).toBeUndefined();
    expect(existsSync(workspace)).toBe(true);
  });

  it("keeps an empty folder someone put in its place", () => {
    const { dir, workspace, root } = made();
    renameSync(workspace, path.join(dir, "moved"));
    mkdirSync(workspace);
    expect(root.release()).toBe("kept (not the folder this server made)");
    expect(existsSync(workspace)).toBe(true);
    expect(root.release()).toBeUndefined();
    expect(existsSync(workspace)).toBe(true);
  });

  it("keeps an empty folder someone made again after removing it (its inode number may be the same)", () => {
    const { workspace, root } = made();
    rmdirSync(workspace);
    mkdirSync(workspace);
    expect(root.release()).toBe("kept (not the folder this server made)");
    expect(existsSync(workspace)).toBe(true);
  });

  it("keeps a file put in its place", () => {
    const { dir, workspace, root } = made();
    renameSync(workspace, path.join(dir, "moved"));
    writeFileSync(workspace, "a file now");
    expect(root.release()).toBe("kept (not the folder this server made)");
    expect(readFileSync(workspace, "utf8")).toBe("a file now");
  });

  it("does nothing when the folder is already gone", () => {
    const { dir, workspace, root } = made();
    renameSync(workspace, path.join(dir, "moved"));
    expect(root.release()).toBeUndefined();
  });

  it("makes it again when missing, and may remove that one too", () => {
    const { workspace, root } = made();
    expect(root.restore()).toBeUndefined(); // still there
    root.release();
    expect(root.restore()).toBe("made again (the roots fell back to it)");
    expect(existsSync(workspace)).toBe(true);
    expect(root.release()).toBe("removed (this server made it, and it was still empty)");
  });
});
