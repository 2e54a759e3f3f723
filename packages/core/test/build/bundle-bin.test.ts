import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_KINDS, connectClient, expectedVersion } from "../clients.js";
import { textOf } from "../fixtures.js";

const here = dirname(fileURLToPath(import.meta.url));
const BUILDER = join(here, "..", "..", "build", "bundle-bin.mjs");
const fixture = (name: string) => join(here, "..", "fixtures", name);

const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Build a fixture bin (with --snapshot unless told) into a temp dist/; returns the dist and what the builder printed. */
async function buildWithSnapshot(
  name: string,
  args = ["--snapshot"],
): Promise<{ dist: string; code: number | null; output: string }> {
  const dist = join(mkdtempSync(join(tmpdir(), "bundle-bin-test-")), "dist");
  cleanup.push(dirname(dist));
  const child = spawn(process.execPath, [BUILDER, ...args, "--outdir", dist], {
    cwd: fixture(name),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => {
    output += c;
  });
  child.stderr.on("data", (c: Buffer) => {
    output += c;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { dist, code, output };
}

/** Run a built bin with stdin, returning its exit code and output. */
async function runBin(
  bin: string,
  input: string,
  env: Record<string, string | undefined> = process.env,
  cwd?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin], { stdio: ["pipe", "pipe", "pipe"], env, cwd });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c;
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c;
  });
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stdout, stderr };
}

describe("bundle-bin", () => {
  it("lowers every dynamic import, so a bin run by the code-cache launcher can import() lazily", async () => {
    const { dist, code, output } = await buildWithSnapshot("dynamic-import-bin", ["--warmup-mode", "exit"]);
    expect({ code, output }).toEqual({ code: 0, output: "" });
    expect(existsSync(join(dist, "bundle.cache"))).toBe(true);
    // Twice: the first run may compile; the second consumes the code cache, the case that used to fail.
    for (let run = 0; run < 2; run++) {
      expect(await runBin(join(dist, "cli.cjs"), "/a/b/first.txt\nc/second\n")).toEqual({
        code: 0,
        stdout: "first.txt\nsecond\n",
        stderr: "",
      });
    }
  }, 60_000);

  it("keeps a code cache per user for a Node run with V8 flags of its own, which refuses the shipped one", async () => {
    const { dist, code } = await buildWithSnapshot("dynamic-import-bin", ["--warmup-mode", "exit"]);
    expect(code).toBe(0);
    const cacheHome = mkdtempSync(join(tmpdir(), "bundle-bin-cache-"));
    cleanup.push(cacheHome);
    const { NODE_OPTIONS: _none, ...plain } = process.env;
    const run = async (env: Record<string, string | undefined>) =>
      expect(await runBin(join(dist, "cli.cjs"), "/a/b/first.txt\n", { ...env, XDG_CACHE_HOME: cacheHome })).toEqual({
        code: 0,
        stdout: "first.txt\n",
        stderr: "",
      });
    const kept = () => readdirSync(join(cacheHome, "mcp-toolkit")).filter((f) => f.startsWith("code-cache-"));
    const flagged = { ...plain, NODE_OPTIONS: "--max-old-space-size=300" };

    await run(flagged); // V8 refuses the shipped cache under this flag: this start compiles and keeps its own
    expect(kept()).toHaveLength(1);
    const file = join(cacheHome, "mcp-toolkit", kept()[0] as string);
    const made = { bytes: readFileSync(file), mtime: statSync(file).mtimeMs };
    await run(flagged); // the next start uses it, and leaves it as it is
    expect({ bytes: readFileSync(file), mtime: statSync(file).mtimeMs }).toEqual(made);

    writeFileSync(file, "not a code cache");
    await run(flagged); // a damaged one is refused by V8 and made again…
    const remade = { bytes: readFileSync(file), mtime: statSync(file).mtimeMs };
    expect(remade.bytes.toString("latin1")).not.toBe("not a code cache");
    await run(flagged); // …and used from then on
    expect({ bytes: readFileSync(file), mtime: statSync(file).mtimeMs }).toEqual(remade);

    await run(plain); // without flags of its own the shipped cache fits, and nothing more is kept
    await run({ ...plain, NODE_OPTIONS: "--max-old-space-size=400" }); // other flags, another cache
    expect(kept()).toHaveLength(2);

    // A relative XDG_CACHE_HOME is ignored, and an empty HOME leaves no base: nothing is kept in the working directory.
    const cwd = mkdtempSync(join(tmpdir(), "bundle-bin-cwd-"));
    cleanup.push(cwd);
    const nowhere = { ...plain, NODE_OPTIONS: "--max-old-space-size=300", XDG_CACHE_HOME: "cache", HOME: "" };
    expect(await runBin(join(dist, "cli.cjs"), "/a/b/first.txt\n", nowhere, cwd)).toMatchObject({ code: 0 });
    expect(readdirSync(cwd)).toEqual([]);
  }, 60_000);
});

describe("bundle-bin --snapshot", () => {
  it("makes a startup snapshot that fits this Node; a server started from it serves calls, timers included", async () => {
    const { dist, code, output } = await buildWithSnapshot("snapshot-bin");
    expect({ code, output }).toEqual({ code: 0, output: "" });
    expect(JSON.parse(readFileSync(join(dist, "snapshot.json"), "utf8"))).toEqual({
      node: process.version,
      v8: process.versions.v8,
      arch: process.arch,
      platform: process.platform,
    });
    // The snapshot warmed up the 2026-07-28 era, as the agent speaks it; both eras are served from it.
    for (const kind of CLIENT_KINDS) {
      const client = await connectClient(
        {
          command: process.execPath,
          // After "--", arguments are the server's own.
          args: ["--snapshot-blob", join(dist, "snapshot.blob"), "--", "--log-level", "silent"],
        },
        kind,
      );
      try {
        expect(client.protocolVersion()).toBe(expectedVersion(kind));
        expect(client.getServerVersion()).toMatchObject({ name: "echo", version: "1.0.0" });
        expect(textOf(await client.callTool({ name: "echo", arguments: { text: "from a snapshot" } }))).toBe(
          "from a snapshot",
        );
        expect(textOf(await client.callTool({ name: "slow_echo", arguments: { text: "later", ms: 50 } }))).toBe(
          "later",
        );
      } finally {
        await client.close();
      }
    }
  }, 60_000);

  it("refuses a snapshot when a timer was started while it was made: the bin is built, the blob is not", async () => {
    const { dist, code, output } = await buildWithSnapshot("snapshot-timer");
    expect(code).toBe(0);
    expect(output).toMatch(
      /startup snapshot not made .*timers were started while the snapshot was made: timers\.setTimeout\(.*; timers\/promises\.setTimeout\(7, \.\.\.\)/,
    );
    expect(existsSync(join(dist, "cli.cjs"))).toBe(true);
    expect(existsSync(join(dist, "snapshot.blob"))).toBe(false);
    expect(existsSync(join(dist, "snapshot.json"))).toBe(false);
  }, 60_000);
});
