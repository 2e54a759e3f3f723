import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChildExecutor } from "../src/child-executor.js";
import { createSqliteServer } from "../src/server.js";
import {
  connect,
  dataOf,
  eventually,
  executorEntry,
  isAlive,
  seedDatabase,
  snapshot,
  tempDir,
  textOf,
  useSeededServer,
} from "./helpers.js";

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
    expect(textOf(result)).toMatch(/died while running this.*rolled back; a fresh process takes the next call/);
    expect(dataOf(await db.conn.call("execute_query", { sql: "SELECT 3 AS three" }))).toMatchObject({ rows: [[3]] });
  });
});

describe("ChildExecutor, reads sent ahead", () => {
  const LIMITS = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0 };
  const read = (sql: string) => ({ op: "query" as const, sql, limits: LIMITS });
  /** A read that runs for a second or so, and then answers. */
  const SLOW =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c";
  let tmp: { dir: string; cleanup: () => void };
  let executor: ChildExecutor;

  beforeEach(async () => {
    tmp = tempDir();
    const path = join(tmp.dir, "ahead.db");
    seedDatabase(path);
    executor = new ChildExecutor({ path, readOnly: true, timeoutMs: 8000, entry: await executorEntry() });
    await executor.run(read("SELECT 1"));
  });
  afterEach(async () => {
    await executor.close();
    tmp.cleanup();
  });

  it("stops a read cancelled while sent ahead when it comes to run, so it does not hold the calls behind it", async () => {
    const first = executor.run(read(SLOW));
    const abort = new AbortController();
    const cancelled = executor.run(read(ENDLESS), abort.signal);
    const behind = executor.run(read("SELECT 2 AS two"));
    abort.abort();
    await expect(cancelled).rejects.toThrow(/cancelled by the client before it ran/);
    await first;
    const since = performance.now();
    expect(await behind).toMatchObject({ rows: [[2]] });
    // Not after the endless read's 8 s time limit: a fresh process took it.
    expect(performance.now() - since).toBeLessThan(4000);
  }, 20_000);

  it("runs again a read the process was stopped in, when it was stopped for the one before, which had answered", async () => {
    const abort = new AbortController();
    const first = executor.run(read("SELECT 1 AS one"), abort.signal);
    const second = executor.run(read(SLOW));
    // Hold this event loop while the process answers the first and starts the second; then cancel the first, whose
    // answer is already on its way: the process is stopped while it runs the second.
    const until = performance.now() + 300;
    while (performance.now() < until) {}
    abort.abort();
    await first.catch(() => undefined);
    expect(await second).toMatchObject({ rows: [[3_000_000]] });
  }, 20_000);
});

describe("ChildExecutor's memory limit, on a read-only server", () => {
  // 160 MiB for the whole executor process, Node's own included. Each statement builds a value (or a row) just past
  // that and returns next to nothing, so the reply's byte cap cannot be what stops it: SQLite must, or the process.
  const db = useSeededServer({ readOnly: true }, 20_000, { readOnly: true, maxMemoryMb: 160 });
  const query = (sql: string) => db.conn.call("execute_query", { sql });

  it.each([
    [
      "a 170 MB string aggregated from 2.1 million short ones",
      "SELECT length(group_concat(printf('%080d', x))) AS n FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2100000) SELECT x FROM c)",
    ],
    [
      "a 170 MB string grown by replace() from 1 MB",
      "SELECT length(replace(printf('%.*c', 1000000, 'x'), 'x', printf('%.*c', 170, 'y'))) AS n",
    ],
    [
      "four BLOBs of 43 MB, each well under the limit, together past it",
      "SELECT zeroblob(43000000) AS a, zeroblob(43000000) AS b, zeroblob(43000000) AS c, zeroblob(43000000) AS d",
    ],
  ])("stops %s, names the limit and how to stay under it, and keeps answering", async (_, sql) => {
    const result = await query(sql);
    expect(result.isError, textOf(result).slice(0, 200)).toBe(true);
    expect(textOf(result)).toMatch(/memory limit of 160 MiB, set by maxMemoryMb/);
    expect(textOf(result)).toMatch(/substr\(col, 1, 1000\).*fewer rows or columns/);
    expect(dataOf(await query("SELECT count(*) FROM items"))).toMatchObject({ rows: [[3]] });
  });

  it("still runs a statement that builds a value well under the limit", async () => {
    expect(dataOf(await query("SELECT length(printf('%.*c', 16000000, 'x')) AS n"))).toMatchObject({
      rows: [[16_000_000]],
    });
  });
});

describe("ChildExecutor's memory limit, on the write tools", () => {
  const db = useSeededServer({}, 20_000, { maxMemoryMb: 160 });

  it("rolls back a transaction whose statement needs more, and says which limit it hit", async () => {
    const expected = snapshot(db.path);
    const result = await db.conn.call("execute_transaction", {
      statements: [
        { sql: "DELETE FROM items" },
        { sql: "INSERT INTO items (name) VALUES (printf('%.*c', 250000000, 'x'))" },
      ],
    });
    expect(textOf(result)).toMatch(/statement 2 of 2 failed.*rolled back.*memory limit of 160 MiB, set by maxMemoryMb/);
    expect(snapshot(db.path)).toEqual(expected);
    expect(dataOf(await db.conn.call("execute_write", { sql: "UPDATE items SET qty = 1 WHERE id = 1" }))).toMatchObject(
      {
        changes: 1,
      },
    );
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
      expect(textOf(result)).toMatch(/could not open the database .*notes\.txt: file is not a database/);
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

  it.each([0, 1.5, -1])("refuses a start limit of %s ms", (startLimitMs) => {
    expect(
      () => new ChildExecutor({ path: join(tmp.dir, "a.db"), readOnly: false, timeoutMs: 1000, startLimitMs }),
    ).toThrow(RangeError);
  });

  it("refuses a missing one when it is made, naming the option an app that bundles this package sets", () => {
    const missing = join(tmp.dir, "bundle", "executor-child.js");
    const message = `the SQLite executor script ${missing} does not exist; an app that bundles @mcp-toolkit/sqlite passes executorEntry`;
    expect(
      () => new ChildExecutor({ path: join(tmp.dir, "a.db"), readOnly: false, timeoutMs: 1000, entry: missing }),
    ).toThrow(message);
    expect(() => createSqliteServer({ database: join(tmp.dir, "a.db"), executorEntry: missing })).toThrow(message);
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
