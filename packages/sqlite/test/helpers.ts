import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { CallToolResult } from "@modelcontextprotocol/server";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect } from "vitest";
import type { useServers } from "../../core/test/built-server.js";
import { type ClientAbilities, type ClientKind, connectClient, type TestClient } from "../../core/test/clients.js";
import { ChildExecutor } from "../src/child-executor.js";
import type { ChildExecutorOptions } from "../src/executor-options.js";
import { createSqliteServerFactory, type SqliteServerOptions } from "../src/server.js";

/**
 * Write to a bin's stdin what a 2025-11-25 client sends to make one call: initialize (id 1), initialized, then
 * execute_query of `sql` (id 2) with `meta` as its `_meta`.
 */
export function sendQueryCall(stdin: Writable, sql: string, meta: Record<string, string>): void {
  const send = (message: object) => stdin.write(`${JSON.stringify(message)}\n`);
  send({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "test", version: "1" } },
  });
  send({ jsonrpc: "2.0", method: "notifications/initialized" });
  send({
    jsonrpc: "2.0",
    id: 2,
    method: "tools/call",
    params: { name: "execute_query", arguments: { sql }, _meta: meta },
  });
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "mcp-sqlite-test-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A connected SDK client talking to a real server in this process. */
export interface Connected {
  client: TestClient;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

let bundled: Promise<string> | undefined;

/**
 * The executor child, bundled from the sources once per test process. Spawning it costs what spawning the
 * built one does; the default for sources (a TypeScript loader in the child) costs about 0.5 s of CPU a time.
 */
export function executorEntry(): Promise<string> {
  bundled ??= (async () => {
    const require = createRequire(import.meta.url);
    const esbuild = require("esbuild") as typeof import("esbuild");
    const sqlite = pathToFileURL(require.resolve("better-sqlite3")).href;
    const outfile = join(mkdtempSync(join(tmpdir(), "mcp-sqlite-executor-")), "executor-child.mjs");
    await esbuild.build({
      entryPoints: [fileURLToPath(new URL("../src/executor-child.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile,
      logLevel: "silent",
      // The native addon stays where it is installed.
      plugins: [
        {
          name: "better-sqlite3",
          setup: (build) => build.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlite, external: true })),
        },
      ],
    });
    return outfile;
  })();
  return bundled;
}

/**
 * Build a server factory from `options` and connect a real client to it in this process (a 2026-07-28 client
 * unless `kind` says otherwise, with the client `abilities` given). A path database runs its executor from the test bundle unless
 * `options.executorEntry` is given (undefined keeps the default).
 */
export async function connect(
  options: SqliteServerOptions,
  kind: ClientKind = "modern",
  abilities: ClientAbilities = {},
): Promise<Connected> {
  const entry =
    typeof options.database === "string" && !("executorEntry" in options) ? await executorEntry() : undefined;
  const factory = createSqliteServerFactory(entry ? { ...options, executorEntry: entry } : options);
  const client = await connectClient(factory, kind, undefined, abilities);
  return {
    client,
    call: (name, args = {}) => client.callTool({ name, arguments: args }),
    close: async () => {
      await client.close();
      await factory.close();
    },
  };
}

/**
 * Call until a query answers: with a short time limit, a call that comes while the executor's process is still
 * starting (slow on a loaded machine) waits out its limit and "never started". A test of how a statement is stopped
 * waits here first.
 */
export async function untilAnswering(conn: Connected): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if (!(await conn.call("execute_query", { sql: "SELECT 1" })).isError) return;
  }
  throw new Error("the server answered no query in 200 tries");
}

/** The text of a result's first content block. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}

/** The structured content of a successful result; throws with the error text otherwise. */
export function dataOf<T = Record<string, unknown>>(result: CallToolResult): T {
  if (result.isError) throw new Error(`tool failed: ${textOf(result)}`);
  return result.structuredContent as T;
}

/** Create `path` with an `items` table of three known rows, as another program would have. */
export function seedDatabase(path: string): void {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, data BLOB);
    INSERT INTO items (name, qty, data) VALUES ('apple', 3, x'00ff'), ('pear', 5, NULL), ('plum', 7, NULL);`);
  db.close();
}

/** A database at `path` holding one view, `endless`, that no time limit lets finish: a recursive CTE, sorted. */
export function slowViewDatabase(path: string): void {
  const db = new Database(path);
  db.exec(
    "CREATE VIEW endless AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c ORDER BY n DESC",
  );
  db.close();
}

/** A database at `path` holding one view, `endless`, whose read never ends and holds no more memory as it runs. */
export function endlessCountDatabase(path: string): void {
  const db = new Database(path);
  db.exec(
    "CREATE VIEW endless AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) AS n FROM c",
  );
  db.close();
}

/** Everything in `items`, read directly from the file: proof of what a test did or did not change. */
export function snapshot(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return {
      rows: db.prepare("SELECT * FROM items ORDER BY id").all(),
      userVersion: db.pragma("user_version", { simple: true }),
      journalMode: db.pragma("journal_mode", { simple: true }),
    };
  } finally {
    db.close();
  }
}

/** Is a process with this pid still alive? */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Poll `check` every 50 ms until it is true or `ms` passes; returns its last answer. */
export async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return check();
}

/**
 * Over `endless` (endlessCountDatabase) in `dir`, read by a child executor with a 20 s time limit, start `ask` with a
 * signal and abort it after 300 ms: the executor must be stopped long before its limit (not left holding the calls
 * behind it), and the next query answered.
 */
export async function expectCancelStopsTheView(
  dir: string,
  kind: ClientKind,
  ask: (conn: Connected, signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  const file = join(dir, "cancelled.db");
  endlessCountDatabase(file);
  const executor = new ChildExecutor({ path: file, readOnly: false, timeoutMs: 20_000, entry: await executorEntry() });
  const cancelled = await connect({ database: executor }, kind);
  try {
    await cancelled.call("list_tables");
    const pid = executor.pid as number;
    const abort = new AbortController();
    const asked = ask(cancelled, abort.signal);
    setTimeout(() => abort.abort(), 300);
    await expect(asked).rejects.toThrow();
    expect(await eventually(() => !isAlive(pid))).toBe(true);
    expect(dataOf(await cancelled.call("execute_query", { sql: "SELECT 2 AS two" }))).toMatchObject({ rows: [[2]] });
  } finally {
    await cancelled.close();
    await executor.close();
  }
}

/** A seeded database in a temporary folder, and a client connected to a server over it, for one describe block. */
export interface SeededServer {
  dir: string;
  path: string;
  conn: Connected;
  /** The executor the server runs on, when `childTimeoutMs` was given. */
  executor: ChildExecutor;
}

/**
 * Start `executor`'s process (unless one is up or starting) and resolve once it has opened the database, a minute at
 * most. With a short time limit, a call's wait for a start counts against it: a test waits here, before the call.
 */
export async function untilRunning(executor: ChildExecutor): Promise<void> {
  executor.warm();
  if (!(await eventually(() => executor.running, 60_000))) {
    throw new Error("the executor process did not start within a minute");
  }
}

/**
 * Seed `data.db` in a fresh folder before the block's tests and connect a server over it (through a ChildExecutor
 * with the given time limit and `childOptions`, when `childTimeoutMs` is set); close and remove everything after them.
 */
export function useSeededServer(
  options: Omit<SqliteServerOptions, "database"> = {},
  childTimeoutMs?: number,
  childOptions: Partial<ChildExecutorOptions> = {},
): SeededServer {
  const tmp = tempDir();
  const seeded = { dir: tmp.dir, path: join(tmp.dir, "data.db") } as SeededServer;
  beforeAll(async () => {
    seedDatabase(seeded.path);
    if (childTimeoutMs === undefined) {
      seeded.conn = await connect({ ...options, database: seeded.path });
      return;
    }
    seeded.executor = new ChildExecutor({
      path: seeded.path,
      readOnly: options.readOnly === true,
      timeoutMs: childTimeoutMs,
      entry: await executorEntry(),
      ...childOptions,
    });
    // A short time limit counts a call's wait for the executor's start (a loaded machine takes over 500 ms): start it
    // before the tests, so their calls measure only their statements.
    await untilRunning(seeded.executor);
    seeded.conn = await connect({ ...options, database: seeded.executor });
  });
  afterAll(async () => {
    await seeded.conn?.close();
    await seeded.executor?.close();
    tmp.cleanup();
  });
  return seeded;
}

/**
 * The built bin over HTTP on a seeded database in a fresh folder (removed by `cleanups`), with a minute's time limit
 * and an audit file, its executor process already up (one query answered), so a statement sent next runs at once.
 */
export async function startAuditedOverHttp(
  start: ReturnType<typeof useServers>,
  cleanups: (() => void)[],
): Promise<{ server: Awaited<ReturnType<ReturnType<typeof useServers>>>; audit: string }> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const path = join(dir, "data.db");
  seedDatabase(path);
  const audit = join(dir, "audit.jsonl");
  const server = await start("bin", "http", ["--db", path, "--timeout-ms", "60000", "--audit-log", audit]);
  const first = await server.call("execute_query", { sql: "SELECT 1 AS one" });
  if (JSON.stringify(dataOf(first).rows) !== "[[1]]") throw new Error(`the first query failed: ${textOf(first)}`);
  return { server, audit };
}

/**
 * Add to `db`'s schema a virtual table whose module this SQLite lacks, as a file made by a program that loads an
 * extension (sqlite-vec's vec0, spellfix1) arrives: `sql` is its CREATE VIRTUAL TABLE, which SQLite here cannot run.
 */
export function addUnloadableTable(db: Database.Database, name: string, sql: string): void {
  db.unsafeMode(true);
  db.pragma("writable_schema = ON");
  db.prepare("INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql) VALUES ('table', ?, ?, 0, ?)").run(
    name,
    name,
    sql,
  );
  db.pragma("writable_schema = OFF");
  db.unsafeMode(false);
}
