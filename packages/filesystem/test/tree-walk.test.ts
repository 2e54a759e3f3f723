import { closeSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Budget } from "../src/budget.js";
import { Sandbox } from "../src/sandbox.js";
import { walkLevels } from "../src/tree-walk.js";
import { tempDir } from "./helpers.js";

describe("walkLevels", () => {
  let base: ReturnType<typeof tempDir>;
  let ws: string;
  beforeEach(() => {
    base = tempDir("fs-levels-");
    ws = path.join(base.dir, "ws");
    mkdirSync(path.join(ws, "a/deep"), { recursive: true });
    mkdirSync(path.join(ws, "b"));
    writeFileSync(path.join(ws, "a/deep/x.txt"), "");
    writeFileSync(path.join(ws, "b/y.txt"), "");
    writeFileSync(path.join(ws, "z.txt"), "");
    mkdirSync(path.join(base.dir, "outside"));
    writeFileSync(path.join(base.dir, "outside/secret.txt"), "");
  });
  afterEach(() => base.cleanup());

  /** The walk of the whole workspace, with `deeper` asked before each level after the first. */
  async function levels(deeper: () => boolean = () => true, levelRead = 100, sandbox = new Sandbox([ws])) {
    const start = sandbox.openDir(".", sandbox.lexical("."));
    try {
      return await walkLevels(sandbox, ".", start, {
        maxDepth: 5,
        maxScan: 100,
        budget: new Budget(10_000),
        deeper,
        levelRead,
      });
    } finally {
      closeSync(start.fd);
    }
  }

  it("meets every entry of a level before the next, each directory's in name order", async () => {
    const { nodes } = await levels();
    expect(nodes.map((n) => `${n.depth} ${n.rel}`)).toEqual([
      "1 a",
      "1 b",
      "1 z.txt",
      "2 a/deep",
      "2 b/y.txt",
      "3 a/deep/x.txt",
    ]);
    expect(nodes.map((n) => n.parent)).toEqual([-1, -1, -1, 0, 1, 3]);
  });

  it("stops before a level when told to, and says so", async () => {
    const { nodes, stoppedDeeper } = await levels(() => false);
    expect(nodes.map((n) => n.rel)).toEqual(["a", "b", "z.txt"]);
    expect(stoppedDeeper).toBe(true);
  });

  it("leaves the rest of a level unread once levelRead of its entries were met, and says so", async () => {
    const { nodes, levelCut } = await levels(() => true, 1);
    // a/ gives level 2 its one entry; b/ is left unread, and so is everything below level 2.
    expect(nodes.map((n) => n.rel)).toEqual(["a", "b", "z.txt", "a/deep"]);
    expect(nodes.map((n) => n.read)).toEqual([true, undefined, undefined, undefined]);
    expect(levelCut).toBe(true);
  });

  it("never lists outside a root when a directory listed at one level is a symlink out by the next", async () => {
    let swapped = false;
    const { nodes, stats } = await levels(() => {
      if (!swapped) {
        renameSync(path.join(ws, "b"), path.join(ws, "b-moved"));
        symlinkSync(path.join(base.dir, "outside"), path.join(ws, "b"));
        swapped = true;
      }
      return true;
    });
    expect(nodes.map((n) => n.name)).not.toContain("secret.txt");
    expect(stats.unreadable.count).toBe(1);
  });

  it("fails naming EMFILE when the process is out of descriptors at a folder, rather than leave it out", async () => {
    /** A sandbox whose process has no descriptor left when it opens b/. */
    class OutOfDescriptors extends Sandbox {
      override open(input: string, resolved?: string) {
        const emfile = Object.assign(new Error("EMFILE: too many open files"), { code: "EMFILE" });
        if (resolved?.endsWith("/b")) throw this.fsError(input, emfile);
        return super.open(input, resolved);
      }
    }
    await expect(levels(undefined, undefined, new OutOfDescriptors([ws]))).rejects.toThrow(
      /^"\.": the server has as many files open as its limit allows \(EMFILE, ulimit -n\)/,
    );
  });
});
