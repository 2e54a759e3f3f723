import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeDirs } from "../src/make-dirs.js";

describe("makeDirs", () => {
  const base = mkdtempSync(path.join(tmpdir(), "make-dirs-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("makes a folder and its missing parents, with the mode given, and says it made some", () => {
    const dir = path.join(base, "a", "b", "c");
    expect(makeDirs(dir, 0o700)).toBe(true);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(path.join(base, "a")).mode & 0o777).toBe(0o700 & ~process.umask());
    expect(makeDirs(dir)).toBe(false);
  });

  it("fails where a file stands in the way, making nothing", () => {
    writeFileSync(path.join(base, "file"), "x");
    expect(() => makeDirs(path.join(base, "file", "sub"))).toThrow(expect.objectContaining({ code: "ENOTDIR" }));
    expect(existsSync(path.join(base, "file", "sub"))).toBe(false);
  });

  it("takes a folder another process made meanwhile", () => {
    const dir = path.join(base, "raced");
    mkdirSync(dir);
    expect(makeDirs(dir)).toBe(false);
  });

  it.skipIf(process.platform !== "linux")(
    "fails on /proc, which makes no folders, where Node 20's recursive mkdir never returns",
    () => {
      expect(() => makeDirs("/proc/mcp-toolkit-make-dirs/x")).toThrow(expect.objectContaining({ code: "ENOENT" }));
    },
  );
});
