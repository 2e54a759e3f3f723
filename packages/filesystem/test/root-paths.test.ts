import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leadsOutside, resolveRoots } from "../src/root-paths.js";
import { tempDir } from "./helpers.js";

describe("root paths", () => {
  const tmp = tempDir();
  const root = path.join(tmp.dir, "root");
  const at = (name: string) => path.join(root, name);
  beforeAll(() => {
    mkdirSync(at("sub"), { recursive: true });
    mkdirSync(path.join(tmp.dir, "outside"));
    writeFileSync(at("file.txt"), "x");
    symlinkSync(path.join(tmp.dir, "outside/missing.txt"), at("out-dangling"));
    symlinkSync("sub/missing.txt", at("in-dangling"));
    symlinkSync("out-dangling", at("via-link"));
    symlinkSync("loop-b", at("loop-a"));
    symlinkSync("loop-a", at("loop-b"));
    symlinkSync(path.join(tmp.dir, "outside"), at("out-dir"));
  });
  afterAll(() => tmp.cleanup());

  it("resolves roots to their real paths", () => {
    symlinkSync(root, path.join(tmp.dir, "root-link"));
    expect(resolveRoots([path.join(tmp.dir, "root-link")])).toEqual([
      { given: path.join(tmp.dir, "root-link"), real: root },
    ]);
  });

  it.each([
    [[], "at least one workspace root is required"],
    [["missing"], "does not exist; create it or set --root to another directory"],
    [["root/file.txt"], "is not a directory; set --root to a directory"],
  ])("refuses roots %j", (roots, message) => {
    expect(() =>
      resolveRoots(
        roots.map((r) => path.join(tmp.dir, r)),
        "--root",
      ),
    ).toThrow(message);
  });

  it("says a missing relative root was read from the working directory, and asks for an absolute path", () => {
    const missing = path.relative(process.cwd(), path.join(tmp.dir, "missing"));
    expect(() => resolveRoots([missing], "--root")).toThrow(
      `workspace root ${missing} does not exist: a relative path is read from the working directory, ${process.cwd()}, so it names ${path.join(tmp.dir, "missing")}; set --root to the folder's absolute path`,
    );
  });

  it.each([
    ["a dangling symlink to outside", "out-dangling", true],
    ["a symlink to one", "via-link", true],
    ["a path under a symlinked directory outside", "out-dir/new.txt", true],
    ["a dangling symlink inside", "in-dangling", false],
    ["a missing path inside", "sub/none/deeper.txt", false],
    ["a symlink loop inside", "loop-a", false],
  ])("%s leads outside: %s", (_, name, outside) => {
    expect(leadsOutside(at(name), [root])).toBe(outside);
  });

  it("judges a missing path far below a deep tree from its deepest existing folder, and does so quickly", () => {
    // 900 folders deep, then 1000 missing: trying each missing ancestor in turn took over a minute (past the test's
    // time limit), all of it holding the server.
    const tree = Array.from({ length: 900 }, () => "d").join("/");
    const missing = Array.from({ length: 1000 }, () => "m").join("/");
    mkdirSync(at(tree), { recursive: true });
    expect(leadsOutside(at(`${tree}/${missing}`), [root])).toBe(false);
    symlinkSync(path.join(tmp.dir, "outside"), at(`${tree}/out`));
    expect(leadsOutside(at(`${tree}/out/${missing}`), [root])).toBe(true);
  });
});
