import { closeSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Budget } from "../src/budget.js";
import { type IgnoreFactory, isIgnored, loadIgnore } from "../src/ignore-rules.js";
import { IgnoreWalk, MAX_IGNORE_FILE_BYTES } from "../src/ignore-walk.js";
import { Sandbox } from "../src/sandbox.js";
import { tempDir } from "./helpers.js";

/** A sandbox whose opens of ignore files fail with `code`. */
class FailingIgnoreFiles extends Sandbox {
  constructor(
    roots: string[],
    private readonly code: string,
  ) {
    super(roots);
  }
  override openListedFile(input: string, dir: Parameters<Sandbox["openListedFile"]>[1], name: string) {
    if (name.startsWith(".")) throw Object.assign(new Error(`${this.code}: failed`), { code: this.code });
    return super.openListedFile(input, dir, name);
  }
}

describe("IgnoreWalk", () => {
  const ws = tempDir();
  const root = path.join(ws.dir, "root");
  let make: IgnoreFactory;
  beforeAll(async () => {
    make = await loadIgnore();
    mkdirSync(path.join(root, "a/b"), { recursive: true });
    writeFileSync(path.join(ws.dir, ".gitignore"), "*\n");
    writeFileSync(path.join(root, ".gitignore"), "*.log\n");
    writeFileSync(path.join(root, "a/.ignore"), "/b/out\n");
    writeFileSync(path.join(root, "a/b/.gitignore"), `${"#".repeat(MAX_IGNORE_FILE_BYTES)}\n*.txt\n`);
  });
  afterAll(() => ws.cleanup());

  /** The scope `walk.above` gives a walk starting at `rel` below the root, within `budget`. */
  async function above(walk: IgnoreWalk, sandbox: Sandbox, rel: string, budget = new Budget(60_000)) {
    const dir = sandbox.open(rel, path.join(root, rel));
    try {
      return await walk.above(dir, budget);
    } finally {
      closeSync(dir.fd);
    }
  }

  it("reads the folders from the root down to the start, never above the root, nor a file over the limit", async () => {
    const sandbox = new Sandbox([root]);
    const scope = await above(new IgnoreWalk(sandbox, "a/b", make), sandbox, "a/b");
    expect(isIgnored(scope, "x.log", false)).toBe(true);
    expect(isIgnored(scope, "out", true)).toBe(true);
    expect(isIgnored(scope, "src", true)).toBe(false);
    // The start's own file is read by the walk (within), not here; and over the limit, it is not read at all.
    expect(isIgnored(scope, "x.txt", false)).toBe(false);
    expect(await above(new IgnoreWalk(sandbox, ".", make), sandbox, ".")).toBeUndefined();
  });

  it("counts each entry it ignores, the first by its path", async () => {
    const sandbox = new Sandbox([root]);
    const walk = new IgnoreWalk(sandbox, "a", make);
    const scope = await above(walk, sandbox, "a");
    expect([
      walk.ignores(scope, "x.log", false),
      walk.ignores(scope, "b/y.log", false),
      walk.ignores(scope, "y", false),
    ]).toEqual([true, true, false]);
    expect(walk.passed).toEqual({ count: 2, first: "x.log" });
  });

  it("fails on running out of descriptors, where the rules would be missed, and passes over an unreadable file", async () => {
    const out = new FailingIgnoreFiles([root], "EMFILE");
    await expect(above(new IgnoreWalk(out, "a", make), out, "a")).rejects.toThrow(/EMFILE/);
    const denied = new FailingIgnoreFiles([root], "EACCES");
    expect(await above(new IgnoreWalk(denied, "a", make), denied, "a")).toBeUndefined();
  });

  it("reads no more folders above the start once the call is out of time or cancelled", async () => {
    // A start hundreds of folders deep, each with an ignore file, held the event loop for minutes past the time limit.
    const opened: string[] = [];
    const sandbox = new (class extends Sandbox {
      override openListedFile(input: string, dir: Parameters<Sandbox["openListedFile"]>[1], name: string) {
        opened.push(name);
        return super.openListedFile(input, dir, name);
      }
    })([root]);
    const cancelled = new Budget(60_000, AbortSignal.abort());
    expect(await above(new IgnoreWalk(sandbox, "a/b", make), sandbox, "a/b", cancelled)).toBeUndefined();
    expect(opened).toEqual([]);
    await above(new IgnoreWalk(sandbox, "a/b", make), sandbox, "a/b");
    expect(opened).toContain(".gitignore");
  });
});
