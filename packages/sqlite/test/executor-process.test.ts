import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ChildExecutor } from "../src/child-executor.js";
import { executorScript } from "../src/executor-process.js";
import { createSqliteServer } from "../src/server.js";
import { dataOf, snapshot, tempDir, textOf, useSeededServer } from "./helpers.js";

describe("startExecutorProcess: the memory limit, on a read-only server", () => {
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

describe("startExecutorProcess: the memory limit, on the write tools", () => {
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

describe("executorScript", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it("is the built sibling by default, and it exists", () => {
    expect(executorScript(undefined).file).toMatch(/executor-child\.(ts|js)$/);
  });

  it("refuses a missing one when it is made, naming the option an app that bundles this package sets", () => {
    const missing = join(tmp.dir, "bundle", "executor-child.js");
    const message = `the SQLite executor script ${missing} does not exist; an app that bundles @mcp-toolkit/sqlite passes executorEntry`;
    expect(() => executorScript(missing)).toThrow(message);
    expect(
      () => new ChildExecutor({ path: join(tmp.dir, "a.db"), readOnly: false, timeoutMs: 1000, entry: missing }),
    ).toThrow(message);
    expect(() => createSqliteServer({ database: join(tmp.dir, "a.db"), executorEntry: missing })).toThrow(message);
  });
});
