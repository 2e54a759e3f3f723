import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkReal } from "../src/path-policy.js";
import { Sandbox } from "../src/sandbox.js";
import { connect, tempDir, textOf } from "./helpers.js";

/** base/ws/dir/a.txt is inside; base/outside/a.txt is the secret a swapped symlink would reach. */
function setup() {
  const base = tempDir("fs-toctou-");
  const ws = path.join(base.dir, "ws");
  const outside = path.join(base.dir, "outside");
  mkdirSync(path.join(ws, "dir"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(ws, "dir", "a.txt"), "inside");
  writeFileSync(path.join(ws, "b.txt"), "inside");
  writeFileSync(path.join(outside, "a.txt"), "SECRET");
  writeFileSync(path.join(outside, "b.txt"), "SECRET");
  return { base, ws, outside };
}

describe("no time-of-check/time-of-use window", () => {
  let env: ReturnType<typeof setup>;
  beforeEach(() => {
    env = setup();
  });
  afterEach(() => env.base.cleanup());

  it("refuses a read when a directory is swapped for a symlink out between the check and the open", () => {
    const { ws, outside } = env;
    const sandbox = new Sandbox([ws]);
    const file = path.join(ws, "dir", "a.txt");
    // The check a check-then-open server makes: realpath is inside the root.
    expect(checkReal(realpathSync(file), sandbox.realRoots).ok).toBe(true);
    // The attacker swaps the directory for a symlink pointing outside.
    renameSync(path.join(ws, "dir"), path.join(ws, "dir-old"));
    symlinkSync(outside, path.join(ws, "dir"));
    // A check-then-open server now reads the secret through the path it checked...
    expect(readFileSync(file, "utf8")).toBe("SECRET");
    // ...but the sandbox verifies what it opened, and refuses.
    expect(() => sandbox.open("dir/a.txt")).toThrow(/outside the workspace root/);
  });

  it("refuses a read when the file itself is swapped for a symlink out", () => {
    const { ws, outside } = env;
    const sandbox = new Sandbox([ws]);
    const file = path.join(ws, "b.txt");
    expect(checkReal(realpathSync(file), sandbox.realRoots).ok).toBe(true);
    renameSync(file, path.join(ws, "b-old.txt"));
    symlinkSync(path.join(outside, "b.txt"), file);
    expect(() => sandbox.open("b.txt")).toThrow(/outside the workspace root/);
  });

  it("never returns outside content while another process keeps swapping the symlink", async () => {
    const { ws, outside } = env;
    // A separate process atomically flips ws/dir between a symlink to the real directory and one to outside.
    const swapper = await startSwapper(ws, outside, false);
    const session = await connect({ root: ws });
    try {
      const outcomes = { inside: 0, refused: 0 };
      for (let i = 0; i < 150; i++) {
        const result = await session.call("read_file", { path: "dir/a.txt" });
        const text = textOf(result);
        expect(text).not.toContain("SECRET");
        if (result.isError) {
          // rename() swaps the link atomically, so the only refusal is the escape being caught.
          expect(text).toContain("outside the workspace root");
          outcomes.refused++;
        } else {
          expect(text).toBe("inside");
          outcomes.inside++;
        }
        if (i % 5 === 0) {
          const write = await session.call("write_file", { path: `dir/w${i}.txt`, content: "x" });
          expect(write.isError === true || textOf(write).startsWith("created")).toBe(true);
        }
      }
      process.stderr.write(`toctou race: ${outcomes.inside} reads inside, ${outcomes.refused} refused\n`);
      expect(outcomes.inside + outcomes.refused).toBe(150);
      expect(readdirSync(outside).sort()).toEqual(["a.txt", "b.txt"]);
    } finally {
      swapper.kill("SIGKILL");
      await session.close();
    }
  });

  it("a content search never returns outside content while a listed file and a directory keep being swapped", async () => {
    const { ws, outside } = env;
    // ws/dir flips between the real directory and a symlink out; ws/dir-real/a.txt between the file and a symlink out.
    const swapper = await startSwapper(ws, outside, true);
    const session = await connect({ root: ws });
    try {
      let hits = 0;
      for (let i = 0; i < 150; i++) {
        const result = await session.call("search_files", { pattern: "**", content: "/SECRET|inside/" });
        const text = textOf(result);
        expect(result.isError).not.toBe(true);
        expect(text).not.toContain("SECRET");
        hits += text.split("\n").filter((line) => line.endsWith(": inside")).length;
      }
      // b.txt always, dir-real/a-kept.txt always, dir-real/a.txt whenever it was the file: the search did read.
      expect(hits).toBeGreaterThanOrEqual(300);
    } finally {
      swapper.kill("SIGKILL");
      await session.close();
    }
  });
});

/**
 * Another process that, for 10 s, atomically flips ws/dir between a symlink to the real directory (moved to
 * ws/dir-real) and one to outside; with `file`, also ws/dir-real/a.txt between the file (kept as a-kept.txt, linked
 * back in) and a symlink to outside/a.txt. Resolves once it has begun.
 */
async function startSwapper(ws: string, outside: string, file: boolean): Promise<ChildProcess> {
  const swapper = spawn(
    process.execPath,
    [
      "-e",
      `const fs = require("node:fs");
       const [dir, real, out, tmp, withFile] = process.argv.slice(1);
       fs.renameSync(dir, real);
       const file = real + "/a.txt", kept = real + "/a-kept.txt", ftmp = real + "/a-tmp";
       if (withFile) fs.renameSync(file, kept);
       process.stdout.write("go\\n");
       for (const end = Date.now() + 10000; Date.now() < end; ) {
         try { fs.symlinkSync(out, tmp); fs.renameSync(tmp, dir); fs.symlinkSync(real, tmp); fs.renameSync(tmp, dir); } catch {}
         if (withFile) try { fs.symlinkSync(out + "/a.txt", ftmp); fs.renameSync(ftmp, file); fs.linkSync(kept, ftmp); fs.renameSync(ftmp, file); } catch {}
       }`,
      path.join(ws, "dir"),
      path.join(ws, "dir-real"),
      outside,
      path.join(ws, "dir-tmp"),
      file ? "file" : "",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise((resolve) => swapper.stdout?.once("data", resolve));
  return swapper;
}
