import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { builtinBin, builtinServers } from "../src/builtin-servers.js";
import type { StdioServerSpec } from "../src/config.js";
import { ServerPool } from "../src/servers.js";
import { snapshotArgs, snapshotRefused } from "../src/snapshot.js";

const textOf = (r: { content?: unknown }) => (r.content as { text: string }[])[0]?.text ?? "";
/** The command line a process runs (Linux /proc), to see whether it started from a snapshot. */
const cmdline = (pid: number | undefined) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
/** The direct children of a process (Linux /proc). */
const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);

let pool: ServerPool | undefined;
let site: Server | undefined;
const cleanup: string[] = [];
afterEach(async () => {
  await pool?.close();
  pool = undefined;
  await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
  site = undefined;
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, ".snapshot-test-"));
  cleanup.push(dir);
  return dir;
}

function newPool(): ServerPool {
  pool = new ServerPool({ startupTimeoutMs: 15_000, env: { PATH: process.env.PATH } });
  return pool;
}

describe("snapshotArgs", () => {
  const fits = { node: process.version, arch: process.arch, platform: process.platform };
  /** A fake dist/ with a bin and the given snapshot.json (or none). */
  function dist(record: unknown): string {
    const dir = tempDir();
    writeFileSync(join(dir, "cli.cjs"), "");
    if (record !== undefined) writeFileSync(join(dir, "snapshot.json"), JSON.stringify(record));
    return join(dir, "cli.cjs");
  }

  it.each([
    ["a snapshot made by this very Node", fits, {}, process.execPath, true],
    [
      "NODE_OPTIONS set (its V8 flags would make node refuse the blob)",
      fits,
      { NODE_OPTIONS: "--max-old-space-size=4096" },
      process.execPath,
      false,
    ],
    ["blank NODE_OPTIONS", fits, { NODE_OPTIONS: "  " }, process.execPath, true],
    ["MCP_TOOLKIT_SNAPSHOT=0", fits, { MCP_TOOLKIT_SNAPSHOT: "0" }, process.execPath, false],
    ["another node binary", fits, {}, "/usr/local/bin/node-other", false],
    ["another Node version", { ...fits, node: "v18.0.0" }, {}, process.execPath, false],
    ["another arch", { ...fits, arch: "riscv64" }, {}, process.execPath, false],
    ["no snapshot.json (not made, or its build failed)", undefined, {}, process.execPath, false],
    ["an unreadable snapshot.json", "{", {}, process.execPath, false],
  ])("%s", (_case, record, env, node, expected) => {
    const bin = dist(typeof record === "string" ? undefined : record);
    if (typeof record === "string") writeFileSync(join(dirname(bin), "snapshot.json"), record);
    const args = snapshotArgs(bin, node, env);
    if (expected) expect(args).toEqual(["--snapshot-blob", join(dirname(bin), "snapshot.blob"), "--"]);
    else expect(args).toBeUndefined();
  });
});

describe("snapshotRefused", () => {
  it.each([
    [{ code: 14, signal: null }, true], // another Node version or V8 flags, or no blob at that path
    [{ code: null, signal: "SIGABRT" }, true], // a damaged blob
    [{ code: null, signal: "SIGSEGV" }, true], // a truncated blob
    [{ code: 1, signal: null }, false], // the server's own failure
    [{ code: 2, signal: null }, false], // a bad setting
    [{ code: null, signal: "SIGTERM" }, false],
    [undefined, false], // still running (a start-up timeout)
  ] as const)("%j → %s", (exit, expected) => {
    expect(snapshotRefused(exit as Parameters<typeof snapshotRefused>[0])).toBe(expected);
  });
});

describe("built-in servers started from their startup snapshots", () => {
  it("every built-in has a snapshot that fits this Node, starts from it and serves real calls", async () => {
    // /slow never answers: the api server's deadline (a timer) has to end the call.
    site = createServer((req, res) => {
      if (req.url !== "/slow") res.end(JSON.stringify({ hello: "snapshot" }));
    });
    await new Promise<void>((resolve) => site?.listen(0, "127.0.0.1", resolve));
    const port = (site.address() as { port: number }).port;
    const workspace = tempDir();
    const specs = builtinServers(workspace, {}, { PATH: process.env.PATH });
    for (const spec of specs) {
      expect(spec.snapshotArgs).toEqual([
        "--snapshot-blob",
        join(dirname(spec.args[0] as string), "snapshot.blob"),
        "--",
      ]);
    }
    const env: Record<string, Record<string, string>> = {
      db: { MCP_SQLITE_TIMEOUT_MS: "1000" },
      api: { MCP_HTTP_ALLOW_PRIVATE: "1", MCP_HTTP_TIMEOUT_MS: "1000" },
    };
    const p = newPool();
    expect(await p.start(specs.map((s) => ({ ...s, env: { ...s.env, ...env[s.name] } })))).toEqual([]);
    for (const pid of Object.values(p.pids())) expect(cmdline(pid)).toContain("--snapshot-blob");

    // file: an atomic write, a regex search (run in node:vm under a time limit) and a read.
    await p.call("file", "write_file", { path: "notes.txt", content: "alpha\nbeta 42\n" }, { timeoutMs: 10_000 });
    const found = await p.call(
      "file",
      "search_files",
      { pattern: "*.txt", content: "/beta \\d+/" },
      { timeoutMs: 10_000 },
    );
    expect(textOf(found)).toContain("notes.txt");
    expect(textOf(await p.call("file", "read_file", { path: "notes.txt" }, { timeoutMs: 10_000 }))).toContain(
      "beta 42",
    );

    // db: a query in the executor child; a runaway query killed at the time limit (a timer: Node's timers must
    // work in a process started from a snapshot); the next query in a new child.
    const query = (sql: string) => p.call("db", "execute_query", { sql }, { timeoutMs: 10_000 });
    expect(textOf(await query("SELECT 6 * 7 AS answer"))).toContain("42");
    const runaway = await query(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
    );
    expect(runaway.isError).toBe(true);
    expect(textOf(await query("SELECT 'still here' AS s"))).toContain("still here");

    // api: a GET through the server's connection pool, and one that the server's deadline ends.
    const got = await p.call("api", "http_get", { url: `http://127.0.0.1:${port}/` }, { timeoutMs: 10_000 });
    expect(textOf(got)).toContain("snapshot");
    const slow = await p.call("api", "http_get", { url: `http://127.0.0.1:${port}/slow` }, { timeoutMs: 10_000 });
    expect(slow.isError).toBe(true);
    expect(textOf(slow)).toMatch(/1000 ms/);
  }, 60_000);

  it("passes the server's own arguments after --", async () => {
    const [file] = builtinServers(tempDir(), {}, { PATH: process.env.PATH }) as [StdioServerSpec];
    const ready: boolean[] = [];
    pool = new ServerPool({
      startupTimeoutMs: 15_000,
      env: { PATH: process.env.PATH },
      onReady: (_server, { fromSnapshot }) => ready.push(fromSnapshot),
    });
    const p = pool;
    expect(await p.start([{ ...file, args: [...file.args, "--read-only"] }])).toEqual([]);
    expect(ready).toEqual([true]);
    const names = p.tools.map((t) => t.name);
    expect(names).toContain("read_file");
    expect(names).not.toContain("write_file");
    expect(cmdline(p.pids().file)).toEqual(expect.arrayContaining(["--snapshot-blob", "--", "--read-only"]));
  }, 30_000);

  it("reads where it lives in each process: a moved copy runs its own executor and finds its packages", async () => {
    // A copy inside the sqlite package, so better-sqlite3 still resolves from it, as after `pnpm deploy`.
    const pkg = dirname(dirname(builtinBin("sqlite")));
    const moved = tempDir(pkg);
    cpSync(join(pkg, "package.json"), join(moved, "package.json"));
    cpSync(join(pkg, "dist"), join(moved, "dist"), { recursive: true });
    const bin = join(moved, "dist", "cli.cjs");
    const spec: StdioServerSpec = {
      kind: "stdio",
      name: "db",
      command: process.execPath,
      args: [bin],
      env: { MCP_SQLITE_DB: join(tempDir(), "moved.db") },
      builtin: true,
      snapshotArgs: snapshotArgs(bin, process.execPath, {}),
    };
    expect(spec.snapshotArgs?.[1]).toBe(join(moved, "dist", "snapshot.blob"));
    const p = newPool();
    expect(await p.start([spec])).toEqual([]);
    expect(textOf(await p.call("db", "execute_query", { sql: "SELECT 1 AS one" }, { timeoutMs: 10_000 }))).toContain(
      "one",
    );
    const server = p.pids().db as number;
    const executors = childrenOf(server).map((pid) => cmdline(pid).join(" "));
    expect(executors).toEqual([expect.stringContaining(join(moved, "dist", "executor-child.js"))]);
  }, 30_000);

  it("does not retry the bin when the server itself refuses its settings", async () => {
    const workspace = tempDir();
    const db = builtinServers(workspace, { readOnly: true }, { PATH: process.env.PATH })[1] as StdioServerSpec;
    const notices: string[] = [];
    pool = new ServerPool({
      startupTimeoutMs: 15_000,
      env: { PATH: process.env.PATH },
      onNotice: (m) => notices.push(m),
    });
    const failures = await pool.start([db]);
    expect(notices).toEqual([]);
    expect(failures.map((f) => f.line)).toEqual([
      expect.stringMatching(/^server "db" failed to start .*exited with code 2 .*--read-only cannot create it/),
    ]);
  }, 30_000);

  it("falls back to the plain bin when node refuses the snapshot", async () => {
    const [file] = builtinServers(tempDir(), {}, { PATH: process.env.PATH }) as [StdioServerSpec];
    const broken = join(tempDir(), "snapshot.blob");
    mkdirSync(dirname(broken), { recursive: true });
    writeFileSync(broken, "not a snapshot");
    const notices: string[] = [];
    const ready: boolean[] = [];
    pool = new ServerPool({
      startupTimeoutMs: 15_000,
      env: { PATH: process.env.PATH },
      onNotice: (m) => notices.push(m),
      onReady: (_server, { fromSnapshot }) => ready.push(fromSnapshot),
    });
    const p = pool;
    const failures = await p.start([{ ...file, snapshotArgs: ["--snapshot-blob", broken, "--"] }]);
    expect(failures).toEqual([]);
    expect(notices).toEqual([
      expect.stringMatching(
        /^server "file" could not start from its startup snapshot \((exited with code \d+|killed by SIG[A-Z]+)\); starting its bin instead \(pnpm build remakes the snapshot\)$/,
      ),
    ]);
    expect(ready).toEqual([false]);
    expect(p.tools.map((t) => t.name)).toContain("read_file");
    expect(cmdline(p.pids().file)).not.toContain("--snapshot-blob");
  }, 30_000);
});
