import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ChildExecutor } from "../src/child-executor.js";
import type { EngineRequest } from "../src/engine-request.js";
import { connect, dataOf, eventually, executorEntry, isAlive, tempDir, textOf, useSeededServer } from "./helpers.js";

const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

describe("ChildExecutor", () => {
  const db = useSeededServer({}, 10_000);
  const { path } = db;

  it("keeps working while another process writes the same file (WAL + busy timeout)", async () => {
    const writer = spawnWriter(path, 1500);
    const exited = new Promise<number | null>((resolve) => writer.on("exit", resolve));
    await eventually(() => (writer.stderr.read()?.toString() ?? "").includes("writing"), 5000);
    const failures: string[] = [];
    for (let i = 0; i < 20; i++) {
      const write = await db.conn.call("execute_write", {
        sql: "INSERT INTO items (name) VALUES (?)",
        params: [`ours-${i}`],
      });
      if (write.isError) failures.push(textOf(write));
      const read = await db.conn.call("execute_query", {
        sql: "SELECT count(*) FROM items WHERE name LIKE 'theirs-%'",
      });
      if (read.isError) failures.push(textOf(read));
    }
    expect(await exited).toBe(0);
    expect(failures).toEqual([]);
    const ours = await db.conn.call("execute_query", { sql: "SELECT count(*) FROM items WHERE name LIKE 'ours-%'" });
    expect(dataOf(ours)).toMatchObject({ rows: [[20]] });
    const theirs = await db.conn.call("execute_query", {
      sql: "SELECT count(*) > 0 FROM items WHERE name LIKE 'theirs-%'",
    });
    expect(dataOf(theirs)).toMatchObject({ rows: [[1]] });
  });

  it("stops a statement when the client cancels it, and keeps answering", async () => {
    await db.conn.call("list_tables");
    const pid = db.executor.pid as number;
    const abort = new AbortController();
    const call = db.conn.client.callTool(
      { name: "execute_query", arguments: { sql: ENDLESS } },
      { signal: abort.signal },
    );
    setTimeout(() => abort.abort(), 300);
    await expect(call).rejects.toThrow();
    expect(await eventually(() => !isAlive(pid))).toBe(true);
    expect(dataOf(await db.conn.call("execute_query", { sql: "SELECT 2 AS two" }))).toMatchObject({ rows: [[2]] });
  });

  it("sends reads ahead of a runaway one, and the next process answers them once it is stopped", async () => {
    await db.conn.call("list_tables");
    const pid = db.executor.pid as number;
    const abort = new AbortController();
    const endless = db.conn.client.callTool(
      { name: "execute_query", arguments: { sql: ENDLESS } },
      { signal: abort.signal },
    );
    const reads = [1, 2, 3, 4, 5].map((n) => db.conn.call("execute_query", { sql: "SELECT ? AS n", params: [n] }));
    setTimeout(() => abort.abort(), 300);
    await expect(endless).rejects.toThrow();
    expect(await eventually(() => !isAlive(pid))).toBe(true);
    expect((await Promise.all(reads)).map((read) => dataOf(read))).toMatchObject(
      [1, 2, 3, 4, 5].map((n) => ({ rows: [[n]] })),
    );
  });

  it("reports a process that dies mid-call, and starts a new one for the next", async () => {
    await db.conn.call("list_tables");
    const pid = db.executor.pid as number;
    const call = db.conn.call("execute_query", { sql: ENDLESS });
    setTimeout(() => process.kill(pid, "SIGKILL"), 200);
    const result = await call;
    expect(textOf(result)).toMatch(
      /died while running this \(SIGKILL\).*\. It did not complete; a fresh process takes the next call/,
    );
    expect(dataOf(await db.conn.call("execute_query", { sql: "SELECT 3 AS three" }))).toMatchObject({ rows: [[3]] });
  });
});

// JSON carries Infinity as null, so a number past a REAL's range would reach the process as NULL and be bound.
describe("ChildExecutor's params", () => {
  it.each([
    [
      "Infinity in a query",
      { op: "query", sql: "SELECT ? AS v", params: [Number.POSITIVE_INFINITY] },
      /params\[0\]: .*arrived as Infinity/,
    ],
    [
      "-Infinity in a transaction's second statement",
      { op: "transaction", statements: [{ sql: "SELECT 1" }, { sql: "SELECT :v", params: { v: -Infinity } }] },
      /statements\[1\]\.params\.v: .*arrived as -Infinity/,
    ],
  ])("refuses %s before it crosses", async (_what, request, message) => {
    const tmp = tempDir();
    const executor = new ChildExecutor({
      path: join(tmp.dir, "data.db"),
      readOnly: false,
      timeoutMs: 5000,
      entry: await executorEntry(),
    });
    try {
      const limits = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0 };
      await expect(executor.run({ ...request, limits } as EngineRequest)).rejects.toThrow(message);
    } finally {
      await executor.close();
      tmp.cleanup();
    }
  });
});

describe("ChildExecutor on a file that is not a database", () => {
  it("answers every call with SQLite's reason, naming the file", async () => {
    const tmp = tempDir();
    const path = join(tmp.dir, "notes.txt");
    writeFileSync(path, "this is not a database, just text that is long enough to fill a header page".repeat(20));
    const executor = new ChildExecutor({ path, readOnly: false, timeoutMs: 5000, entry: await executorEntry() });
    const conn = await connect({ database: executor });
    try {
      const result = await conn.call("list_tables");
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(
        /could not open the database .*notes\.txt: file is not a database\. Nothing ran: it is the server's database file that fails, not the statement, .* until the server's operator fixes or replaces it/,
      );
    } finally {
      await conn.close();
      await executor.close();
      tmp.cleanup();
    }
  });
});

/** Another process that inserts rows in short IMMEDIATE transactions for `ms`, holding the write lock often. */
function spawnWriter(path: string, ms: number) {
  const sqlite = createRequire(import.meta.url).resolve("better-sqlite3");
  const script = `
    const Database = require(${JSON.stringify(sqlite)});
    const db = new Database(${JSON.stringify(path)}, { timeout: 5000 });
    const insert = db.prepare("INSERT INTO items (name) VALUES (?)");
    const batch = db.transaction((n) => { for (let i = 0; i < 200; i++) insert.run("theirs-" + n); });
    process.stderr.write("writing\\n");
    const until = Date.now() + ${ms};
    for (let n = 0; Date.now() < until; n++) batch.immediate(n);
    db.close();`;
  return spawn(process.execPath, ["-e", script], { stdio: ["ignore", "ignore", "pipe"] });
}

describe("ChildExecutor's entry script", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const LIMITS = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0 };

  it("kills a process that never gets the database open, fails the calls waiting for it, and tries again", async () => {
    // Stands for an executor stuck opening a file on a file system that never answers: it never says it is ready.
    const stuck = join(tmp.dir, "stuck-executor.mjs");
    writeFileSync(stuck, `process.stderr.write("opening\\n"); setInterval(() => {}, 1000);`);
    const path = join(tmp.dir, "stuck.db");
    const executor = new ChildExecutor({ path, readOnly: false, timeoutMs: 60_000, startLimitMs: 400, entry: stuck });
    try {
      const query = { op: "query" as const, sql: "SELECT 1", limits: LIMITS };
      const why = `the SQLite executor process could not start (it did not open the database within 0.4 s: is ${path} on a file system that does not answer?)`;
      const [first, second] = await Promise.allSettled([executor.run(query), executor.run(query)]);
      expect(first).toMatchObject({ status: "rejected", reason: { message: expect.stringContaining(why) } });
      expect(second).toMatchObject({ status: "rejected", reason: { message: expect.stringContaining(why) } });
      expect(executor.pid).toBeUndefined();
      // The next call starts a fresh process, bounded the same way.
      await expect(executor.run(query)).rejects.toThrow(why);
    } finally {
      await executor.close();
    }
  });

  it("takes a time limit longer than setTimeout's (24.8 days): the start and the statement are not cut at once", async () => {
    const executor = new ChildExecutor({ path: join(tmp.dir, "long.db"), readOnly: false, timeoutMs: 3_000_000_000 });
    try {
      const query = { op: "query" as const, sql: "SELECT 1 AS one", limits: LIMITS };
      await expect(executor.run(query)).resolves.toMatchObject({ columns: ["one"], rows: [[1]] });
    } finally {
      await executor.close();
    }
  });
});

describe("ChildExecutor and the program it serves", () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const cleanup of cleanups) cleanup();
  });
  const LIMITS = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 10 };
  /** A program using the built package: it runs `body` and prints when it reaches its end; its exit is awaited. */
  async function program(body: string): Promise<{ code: number | null; out: string; ms: number }> {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const index = join(import.meta.dirname, "..", "dist", "index.js");
    const script = `import { ChildExecutor } from ${JSON.stringify(index)};
const executor = new ChildExecutor({ path: ${JSON.stringify(join(dir, "d.db"))}, readOnly: false, timeoutMs: 5000 });
const limits = ${JSON.stringify(LIMITS)};
${body}
console.log("end");`;
    const started = Date.now();
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    // Bounded: a program kept alive by an idle executor is killed and shows as signal, not exit code.
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    clearTimeout(killer);
    return { code, out, ms: Date.now() - started };
  }

  it("lets a program that never closes it exit once it is idle", async () => {
    const run = await program(`executor.warm();
const reply = await executor.run({ op: "query", sql: "SELECT 40 + 2 AS n", limits });
console.log(JSON.stringify(reply.rows));`);
    expect(run).toMatchObject({ code: 0, out: "[[42]]\nend\n" });
  });

  it("keeps the program alive while a request is running, with nothing else holding it", async () => {
    const run = await program(
      `executor.run({ op: "query", sql: "SELECT 7", limits }).then((reply) => console.log("answered", JSON.stringify(reply.rows)));`,
    );
    expect(run).toMatchObject({ code: 0, out: "end\nanswered [[7]]\n" });
  });
});
