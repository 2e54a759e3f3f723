import { fork } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChildExecutor } from "../src/child-executor.js";
import type { Job } from "../src/executor-jobs.js";
import { ExecutorLine } from "../src/executor-line.js";
import { MIN_RUN_MS } from "../src/job-time-limit.js";
import { executorEntry, seedDatabase, tempDir } from "./helpers.js";

const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

describe("ExecutorLine: reads sent ahead, through a ChildExecutor", () => {
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
    // An hour's time limit: a read behind an endless one that ran would wait for it past the test's own time limit.
    executor = new ChildExecutor({ path, readOnly: true, timeoutMs: 3_600_000, entry: await executorEntry() });
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
    // Answered at all: the endless read never ran (nothing but its hour's time limit would have stopped it).
    expect(await behind).toMatchObject({ rows: [[2]] });
  }, 20_000);

  it("tells a read sent ahead that it has started only once the one before it is out of the way", async () => {
    const events: string[] = [];
    const abort = new AbortController();
    const first = executor.run(read(ENDLESS), abort.signal, undefined, () => events.push("first started"));
    const second = executor.run(read("SELECT 2 AS two"), undefined, undefined, () => events.push("second started"));
    // Both are sent in one message; the process runs the first for as long as it is let.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events).toEqual(["first started"]);
    abort.abort();
    await first.catch(() => undefined);
    expect(await second).toMatchObject({ rows: [[2]] });
    expect(events).toEqual(["first started", "second started"]);
  }, 20_000);

  it("runs again a read the process was stopped in, when it was stopped for the one before, which had answered", async () => {
    const abort = new AbortController();
    const first = executor.run(read("SELECT 1 AS one"), abort.signal);
    const second = executor.run(read(SLOW));
    await new Promise((resolve) => setImmediate(resolve)); // both sent, in one message, at the end of the turn
    // Hold this event loop while the process answers the first and starts the second; then cancel the first, whose
    // answer is already on its way: the process is stopped while it runs the second.
    const until = performance.now() + 300;
    while (performance.now() < until) {}
    abort.abort();
    await first.catch(() => undefined);
    expect(await second).toMatchObject({ rows: [[3_000_000]] });
  }, 20_000);
});

describe("ExecutorLine: the calls given in one turn of the event loop", () => {
  const LIMITS = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0 };
  let tmp: { dir: string; cleanup: () => void };

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  /** An executor whose process writes the size of each message it gets to a file; and a read of those sizes. */
  async function countingExecutor(readOnly: boolean) {
    const path = join(tmp.dir, "batch.db");
    seedDatabase(path);
    const log = join(tmp.dir, "batches.log");
    writeFileSync(log, "");
    // The real executor script, behind a listener that registers first.
    const entry = join(tmp.dir, "counting-executor.mjs");
    writeFileSync(
      entry,
      `import { appendFileSync } from "node:fs";
process.on("message", (batch) => appendFileSync(${JSON.stringify(log)}, \`\${Array.isArray(batch) ? batch.length : "not a batch"}\\n\`));
await import(${JSON.stringify(pathToFileURL(await executorEntry()).href)});`,
    );
    const executor = new ChildExecutor({ path, readOnly, timeoutMs: 60_000, entry });
    await executor.run({ op: "query", sql: "SELECT 1", limits: LIMITS });
    const batches = () => readFileSync(log, "utf8").split("\n").filter(Boolean);
    return { executor, batches };
  }

  it("reach the process in one message, and each gets its own answer, in order", async () => {
    const { executor, batches } = await countingExecutor(true);
    try {
      const reads = [1, 2, 3, 4, 5].map((n) => executor.run({ op: "query", sql: `SELECT ${n} AS n`, limits: LIMITS }));
      expect((await Promise.all(reads)).map((reply) => reply.rows)).toEqual([[[1]], [[2]], [[3]], [[4]], [[5]]]);
      expect(batches()).toEqual(["1", "5"]);
    } finally {
      await executor.close();
    }
  }, 20_000);

  it("send a write on its own, after the reads ahead of it have answered; the reads behind it wait for it", async () => {
    const { executor, batches } = await countingExecutor(false);
    try {
      const calls = [
        executor.run({ op: "query", sql: "SELECT count(*) FROM items", limits: LIMITS }),
        executor.run({ op: "write", sql: "INSERT INTO items (name) VALUES ('batched')", limits: LIMITS }),
        executor.run({ op: "query", sql: "SELECT count(*) FROM items WHERE name = 'batched'", limits: LIMITS }),
        executor.run({ op: "query", sql: "SELECT 4", limits: LIMITS }),
      ];
      const [before, wrote, after, four] = await Promise.all(calls);
      expect(wrote).toMatchObject({ changes: 1 });
      expect(after).toMatchObject({ rows: [[1]] });
      expect(four).toMatchObject({ rows: [[4]] });
      expect(before).toMatchObject({ rows: [[expect.any(Number)]] });
      expect(batches()).toEqual(["1", "1", "1", "2"]);
    } finally {
      await executor.close();
    }
  }, 20_000);
});

describe("ExecutorLine: a statement whose time runs out", () => {
  const LIMITS = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0 };
  /**
   * One read sent to a process after it waited `waited` ms, its 1 s time limit on the fake clock; `stops` counts the
   * kills asked for.
   */
  function running(waited = 0, request: Job["request"] = { op: "query", sql: "SELECT 1", limits: LIMITS }) {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const stops: Error[] = [];
    const line = new ExecutorLine(1000, {
      stop: () => stops.push(new Error("stop")),
      next() {},
      starting: () => false,
    });
    const job = { request, resolve() {}, reject() {} } as Job;
    line.add(job);
    vi.advanceTimersByTime(waited);
    line.send(() => {});
    return { line, job, stops };
  }
  afterEach(() => {
    vi.useRealTimers();
  });
  const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

  it("is not stopped when its answer came in the turn its time ran out: the answer is read first", async () => {
    const { line, job, stops } = running();
    vi.advanceTimersByTime(1000);
    expect(line.answered()).toBe(job);
    await endOfTurn();
    expect(stops).toHaveLength(0);
  });

  it("that waited nearly all of it behind others still runs for 50 ms before it is stopped", async () => {
    const { job, stops } = running(995);
    vi.advanceTimersByTime(MIN_RUN_MS - 1);
    await endOfTurn();
    expect(stops).toHaveLength(0);
    vi.advanceTimersByTime(1);
    await endOfTurn();
    expect(stops).toHaveLength(1);
    expect(job.killedFor?.message).toMatch(/^stopped after 1000 ms, the time limit .*\(995 ms of it waiting its turn/);
  });

  it("is stopped at the end of that turn when no answer came", async () => {
    const { job, stops } = running();
    vi.advanceTimersByTime(1000);
    expect(stops).toHaveLength(0);
    await endOfTurn();
    expect(stops).toHaveLength(1);
    expect(job.killedFor?.message).toMatch(/^stopped after 1000 ms, the time limit/);
  });

  it("names the statement of a transaction the process said it was running, and that all of it was rolled back", async () => {
    const statements = [{ sql: "INSERT INTO t VALUES (1)" }, { sql: ENDLESS }, { sql: "DELETE FROM t" }];
    const { line, job } = running(0, { op: "transaction", statements, limits: LIMITS });
    line.running(0);
    line.running(1);
    vi.advanceTimersByTime(1000);
    await endOfTurn();
    expect(job.killedFor?.message).toBe(
      `statement 2 of 3 was still running when the transaction was stopped after 1000 ms, the time limit set by timeoutMs: "${ENDLESS}". So the whole transaction was rolled back and nothing was applied (statement 1 included). Make statement 2 quicker (narrow it with WHERE or LIMIT, give a recursive CTE a stopping condition), or run it in a call of its own`,
    );
  });
});

describe("the executor process", () => {
  it("answers a lone request as well as a batch (an app's executor script bundled from an older version sends one)", async () => {
    const tmp = tempDir();
    const path = join(tmp.dir, "lone.db");
    seedDatabase(path);
    const config = { path, readOnly: true, busyTimeoutMs: 1000, parentPid: process.pid };
    const child = fork(await executorEntry(), [JSON.stringify(config)], { serialization: "json", stdio: "ignore" });
    try {
      const messages: unknown[] = [];
      const next = () => new Promise((resolve) => child.once("message", resolve));
      messages.push(await next());
      const limits = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0 };
      child.send({ id: 1, request: { op: "query", sql: "SELECT 41 + 1 AS n", limits } });
      messages.push(await next());
      child.send([{ id: 2, request: { op: "query", sql: "SELECT 'batch' AS s", limits } }]);
      messages.push(await next());
      expect(messages).toMatchObject([
        { ready: true },
        { id: 1, reply: { ok: true, value: { rows: [[42]] } } },
        { id: 2, reply: { ok: true, value: { rows: [["batch"]] } } },
      ]);
    } finally {
      child.kill("SIGKILL");
      tmp.cleanup();
    }
  }, 20_000);
});

describe("ExecutorLine: the time limit counts the wait behind other statements", () => {
  const LIMITS = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0, timeoutSetting: "--timeout-ms" };
  let tmp: { dir: string; cleanup: () => void };
  let executor: ChildExecutor;

  beforeEach(async () => {
    tmp = tempDir();
    const path = join(tmp.dir, "queue.db");
    seedDatabase(path);
    executor = new ChildExecutor({ path, readOnly: false, timeoutMs: 1500, entry: await executorEntry() });
    await executor.run({ op: "query", sql: "SELECT 1", limits: LIMITS });
  });
  afterEach(async () => {
    await executor.close();
    tmp.cleanup();
  });

  it("fails the calls that waited their whole limit behind an endless one without running them, then runs the next", async () => {
    const endless = executor.run({ op: "query", sql: ENDLESS, limits: LIMITS });
    const read = executor.run({ op: "query", sql: "SELECT 2", limits: LIMITS });
    const write = executor.run({ op: "write", sql: "INSERT INTO items (name) VALUES ('late')", limits: LIMITS });
    const [ran, ...waited] = await Promise.allSettled([endless, read, write]);
    expect(ran).toMatchObject({ reason: { message: expect.stringMatching(/^stopped after 1500 ms, the time limit/) } });
    for (const call of waited) {
      expect(call).toMatchObject({
        status: "rejected",
        reason: {
          refusal: "timeout",
          message: expect.stringMatching(
            /^waited 1500 ms, the time limit set by --timeout-ms, and never started: this server runs its statements one at a time/,
          ),
        },
      });
    }
    const rows = await executor.run({
      op: "query",
      sql: "SELECT count(*) FROM items WHERE name = 'late'",
      limits: LIMITS,
    });
    expect(rows).toMatchObject({ rows: [[0]] });
  }, 20_000);
});

describe("ExecutorLine: a call that waited for the process to start", () => {
  it("says so, not that statements ahead of it were slow: none were", async () => {
    const tmp = tempDir();
    const path = join(tmp.dir, "start.db");
    seedDatabase(path);
    // No process starts and opens the database within 1 ms, however idle the machine: the call always waits it out.
    const executor = new ChildExecutor({ path, readOnly: true, timeoutMs: 1, entry: await executorEntry() });
    const limits = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0, timeoutSetting: "--timeout-ms" };
    try {
      await expect(executor.run({ op: "query", sql: "SELECT 1", limits })).rejects.toMatchObject({
        refusal: "timeout",
        message: expect.stringMatching(
          /^waited 1 ms, the time limit set by --timeout-ms, and never started: the process that runs this server's statements was still starting/,
        ),
      });
    } finally {
      await executor.close();
      tmp.cleanup();
    }
  }, 20_000);
});

describe("ExecutorLine: a write stopped from outside while it runs", () => {
  const LIMITS = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0 };
  /** A write that never ends by itself: only the stop ends it, before it can commit. */
  const ENDLESS_WRITE =
    "INSERT INTO items (name) SELECT 'n' || x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)";
  const MAY_HAVE_COMMITTED =
    ": if it had already committed, its change is in the database, else it was rolled back; check with execute_query before running it again";

  it.each([
    ["its client cancels it", "cancelled by the client and stopped"],
    ["the server shuts down", "the server is shutting down"],
  ])(
    "is not said to be rolled back when %s: it may have committed as it was stopped",
    async (how, why) => {
      const tmp = tempDir();
      const path = join(tmp.dir, "stop.db");
      seedDatabase(path);
      const executor = new ChildExecutor({ path, readOnly: false, timeoutMs: 60_000, entry: await executorEntry() });
      try {
        await executor.run({ op: "query", sql: "SELECT 1", limits: LIMITS });
        const abort = new AbortController();
        const write = executor.run({ op: "write", sql: ENDLESS_WRITE, limits: LIMITS }, abort.signal);
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (how === "its client cancels it") abort.abort();
        else void executor.close();
        await expect(write).rejects.toThrow(`${why}${MAY_HAVE_COMMITTED}`);
      } finally {
        await executor.close();
        tmp.cleanup();
      }
    },
    20_000,
  );
});
