import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataOf, eventually, isAlive, snapshot, textOf, untilRunning, useSeededServer } from "../helpers.js";
import { lockedReply, useRollbackLockedServer } from "../rollback-lock.js";

interface Rows {
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  truncated?: boolean;
  total?: number;
  note?: string;
}

describe("execute_query", () => {
  const db = useSeededServer({ maxRows: 50, maxResponseBytes: 20_000 });
  const { dir, path } = db;
  const query = async (sql: string, params?: unknown) => db.conn.call("execute_query", { sql, params });

  it.each([
    ["SELECT ?1 AS a, ?2 AS b", ["x", 2], [["x", 2]]],
    ["SELECT ?2 AS a, ?1 AS b", ["x", 2], [[2, "x"]]],
    ["SELECT ?1 || ?1 AS a, ?2 AS b", ["x", 2], [["xx", 2]]],
    ["SELECT ?2 AS a, ? AS b", ["x", 2, "y"], [[2, "y"]]],
    ["SELECT ?3 AS a", ["x", 2, "y"], [["y"]]],
    ["SELECT name FROM items WHERE id = ?1 OR qty = ?1 ORDER BY id", [1], [["apple"]]],
  ])("binds an array to numbered placeholders: %s", async (sql, params, rows) => {
    expect(dataOf<Rows>(await query(sql, params)).rows).toEqual(rows);
  });

  // Clients whose schema support keeps only the object form of params (LangChain's adapters) send {"1": …}; some
  // (the MCP Inspector's CLI) send the array or object as JSON text.
  it.each<[string, unknown, unknown[][]]>([
    ["SELECT ? AS a, ? AS b", { "1": "x", "2": 2 }, [["x", 2]]],
    ["SELECT ? AS a, ? AS b", { "2": 2, "1": "x" }, [["x", 2]]],
    ["SELECT ?1 AS a, ? AS b", { "1": "x", "2": 2 }, [["x", 2]]],
    ["SELECT ?1 || ?1 AS a", { "1": "x" }, [["xx"]]],
    ["SELECT name FROM items WHERE id = ?", "[1]", [["apple"]]],
    ["SELECT :n AS n", ' {"n": "eve"}', [["eve"]]],
    ["SELECT ? AS s", '["[not json"]', [["[not json"]]],
    // Plain ?s beside names: one object, each ? keyed by its number.
    ["SELECT ? AS a, :n AS n, ? AS b", { n: "eve", "2": 2, "1": "x" }, [["x", "eve", 2]]],
    ["SELECT :größe AS g, :1 AS one", { größe: 3, "1": "x" }, [[3, "x"]]],
  ])("binds %s with params %j", async (sql, params, rows) => {
    expect(dataOf<Rows>(await query(sql, params)).rows).toEqual(rows);
  });

  it("tells a client that sends params only as an object (LangChain's adapters) how to bind ?s: in the description, and in the error", async () => {
    const { tools } = await db.conn.client.listTools();
    const params = tools.find((t) => t.name === "execute_query")?.inputSchema.properties?.params;
    expect((params as { description?: string } | undefined)?.description).toMatch(/object: :name, "1" for \?1/);
    const named = await query("SELECT ? + 1 AS n", { a: 41 });
    expect(textOf(named)).toMatch(/send params as an array of 1 \(or an object numbering them, \{"1": …\}\)$/);
    expect(dataOf<Rows>(await query("SELECT ? + 1 AS n", { "1": 41 })).rows).toEqual([[42]]);
  });

  it.each([
    [{ "1": "x", "3": 2 }, /^execute_query failed: params numbers its values 1, 3: number them from 1 without a gap/],
    ["[1", /params must be an array \(for \?\) or an object \(for :name\), or one of them as JSON text/],
    ["1", /params must be an array \(for \?\) or an object \(for :name\), or one of them as JSON text/],
  ])("refuses params %j for plain ?s, saying what to send", async (params, message) => {
    const result = await query("SELECT ? AS a, ? AS b", params);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });

  it("refuses a name the statement has no placeholder for, rather than drop it, naming the one meant", async () => {
    const result = await query("SELECT name FROM items WHERE id = :id", { id: 1, idd: 2 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      'execute_query failed: params.idd: the statement has no placeholder :idd (did you mean "id"?); it takes :id by name: send params as an object, {"id": …}',
    );
  });

  it("says how many values numbered placeholders take", async () => {
    const result = await query("SELECT ?1, ?2", [1]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/params has 1 values but the statement's placeholders go up to \?2; send exactly 2/);
  });

  it("returns columns, rows and the row count, with NULL as null", async () => {
    const data = dataOf<Rows>(await query("SELECT id, name, qty, data FROM items WHERE id > 1 ORDER BY id"));
    expect(data).toEqual({
      columns: ["id", "name", "qty", "data"],
      rows: [
        [2, "pear", 5, null],
        [3, "plum", 7, null],
      ],
      rowCount: 2,
    });
  });

  it("runs WITH … SELECT, EXPLAIN and read-only PRAGMAs", async () => {
    expect(dataOf<Rows>(await query("WITH t AS (SELECT qty FROM items) SELECT sum(qty) AS s FROM t")).rows).toEqual([
      [15],
    ]);
    expect(dataOf<Rows>(await query("EXPLAIN QUERY PLAN SELECT * FROM items WHERE id = 1")).rowCount).toBeGreaterThan(
      0,
    );
    expect(dataOf<Rows>(await query("PRAGMA table_info(items)")).rowCount).toBe(4);
    expect(dataOf<Rows>(await query("PRAGMA user_version")).rows).toEqual([[0]]);
  });

  describe("refuses every way to write, and changes nothing", () => {
    const before = () => snapshot(path);
    it.each([
      ["DELETE FROM items", /writes/],
      ["WITH x AS (SELECT 1) DELETE FROM items", /writes/],
      ["UPDATE items SET qty = 0", /writes/],
      ["INSERT INTO items (name) VALUES ('x') RETURNING id", /writes/],
      ["REPLACE INTO items (id, name) VALUES (1, 'x')", /writes/],
      ["DROP TABLE items", /writes/],
      ["CREATE TEMP TABLE z (a)", /writes/],
      ["PRAGMA user_version = 7", /writes/],
      ["PRAGMA journal_mode = DELETE", /setting this server keeps/],
      ["PRAGMA query_only = 0", /setting this server keeps/],
      ["PRAGMA busy_timeout = 0", /setting this server keeps/],
      ["PRAGMA locking_mode(exclusive)", /setting this server keeps/],
      ["PRAGMA cache_size = 0", /setting of the connection.*execute_transaction/],
      ["PRAGMA mmap_size = 1000000", /setting of the connection.*execute_transaction/], // SQLite says it only reads
      ["PRAGMA foreign_keys = OFF", /first statement of execute_transaction/],
      ["BEGIN IMMEDIATE", /execute_transaction/],
      ["ATTACH '{dir}/evil.db' AS evil", /allowAttach: true/],
      ["/* hidden */ attach database '{dir}/evil.db' as evil", /allowAttach: true/],
      ["VACUUM INTO '{dir}/copy.db'", /writes|allowAttach: true/],
      ["SELECT 1; DELETE FROM items", /more than one statement/],
      ["SELECT * FROM items;DROP TABLE items;", /more than one statement/],
      ["SELECT load_extension('{dir}/evil.so')", /not authorized/],
    ])("%s", async (template, reason) => {
      const expected = before();
      const result = await query(template.replaceAll("{dir}", dir));
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(reason);
      expect(snapshot(path)).toEqual(expected);
      expect(existsSync(join(dir, "evil.db"))).toBe(false);
      expect(existsSync(join(dir, "copy.db"))).toBe(false);
    });
  });

  it.each([
    "PRAGMA query_only = 0",
    "PRAGMA locking_mode = EXCLUSIVE",
    "EXPLAIN PRAGMA query_only = 0",
    "/* c */ ;PRAGMA main.query_only(0)",
  ])("keeps no connection setting that compiling %s changed, refused or not", async (sql) => {
    await query(sql);
    expect(dataOf<Rows>(await query("PRAGMA query_only")).rows).toEqual([[1]]);
    expect(dataOf<Rows>(await query("PRAGMA locking_mode")).rows).toEqual([["normal"]]);
  });

  it("runs pragma functions SQLite calls read-only on the read-only connection, where they change nothing", async () => {
    const expected = snapshot(path);
    for (const sql of [
      "SELECT * FROM pragma_journal_mode('delete')",
      "SELECT * FROM pragma_optimize",
      "PRAGMA optimize",
    ]) {
      await query(sql); // may answer or fail; either way the file must be as it was
      expect(snapshot(path), sql).toEqual(expected);
    }
  });

  describe("parameters", () => {
    it("binds positional and named values, with or without the prefix", async () => {
      expect(dataOf<Rows>(await query("SELECT name FROM items WHERE qty > ? AND qty < ?", [4, 6])).rows).toEqual([
        ["pear"],
      ]);
      expect(
        dataOf<Rows>(await query("SELECT name FROM items WHERE name = :n OR id = @id", { n: "plum", "@id": 1 })).rows,
      ).toEqual([["apple"], ["plum"]]);
      expect(dataOf<Rows>(await query("SELECT ? AS b, ? AS n", [true, null])).rows).toEqual([[1, null]]);
    });

    it.each(["apple' OR '1'='1", "x'); DROP TABLE items; --", "1; DELETE FROM items", '" OR ""="', "\u0000apple"])(
      "keeps %j as data",
      async (hostile) => {
        const expected = snapshot(path);
        const data = dataOf<Rows>(
          await query("SELECT count(*) AS n, ? AS echoed FROM items WHERE name = ?", [hostile, hostile]),
        );
        expect(data.rows).toEqual([[0, hostile]]);
        expect(snapshot(path)).toEqual(expected);
      },
    );

    it("explains parameters that do not fit", async () => {
      const few = await query("SELECT ? + ?", [1]);
      expect(few.isError).toBe(true);
      expect(textOf(few)).toMatch(/Too few parameter values.*params must match/);
      const bad = await query("SELECT ?", [{ nested: true }]);
      expect(textOf(bad)).toMatch(/params\[0\]: cannot bind/);
      const notAList = await db.conn.call("execute_query", { sql: "SELECT 1", params: "1" });
      expect(notAList.isError).toBe(true);
    });
  });

  it("reports SQLite's own message and the statement", async () => {
    const result = await query("SELECT nope FROM items");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/no such column: nope.*Statement: SELECT nope FROM items.*describe_table/);
  });

  it("returns 64-bit integers exactly and BLOBs as marked base64", async () => {
    const data = dataOf<Rows>(
      await query(
        "SELECT 9007199254740993 AS big, -9223372036854775808 AS min, ? AS echoed, x'00ff10' AS blob, data FROM items WHERE id = 1",
        ["9007199254740993"],
      ),
    );
    expect(data.rows).toEqual([
      ["9007199254740993", "-9223372036854775808", "9007199254740993", { $base64: "AP8Q" }, { $base64: "AP8=" }],
    ]);
    const blob = dataOf<Rows>(
      await query("SELECT length(?) AS n, hex(?) AS h", [{ $base64: "AAEC" }, { $base64: "AAEC" }]),
    );
    expect(blob.rows).toEqual([[3, "000102"]]);
  });

  it.each([
    [
      [Number("12345678901234567")],
      /params\[0\]: 12345678901234568 is a whole number past .*send it as a string of digits/,
    ],
    [{ n: Number("9007199254740993") }, /params\.n: 9007199254740992 is a whole number past/],
  ])("refuses %j rather than bind another value", async (params, message) => {
    const result = await query("SELECT ? AS v", params);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });

  it("binds a big integer sent as a string as TEXT: compared with no INTEGER column it needs CAST(? AS INTEGER)", async () => {
    const big = "9007199254740993";
    const found = async (sql: string) => dataOf<Rows>(await query(sql, [big])).rows;
    expect(await found("SELECT count(*) FROM items WHERE 9007199254740993 = ?")).toEqual([[0]]);
    expect(await found("SELECT typeof(?) AS t, CAST(?1 AS INTEGER) = 9007199254740993 AS same")).toEqual([["text", 1]]);
    expect(await found("WITH t(v) AS (SELECT 9007199254740993) SELECT v FROM t WHERE v = CAST(? AS INTEGER)")).toEqual([
      [big],
    ]);
  });

  it("caps rows, says so, and reports the total", async () => {
    const data = dataOf<Rows>(
      await query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200) SELECT x FROM c"),
    );
    expect(data.rowCount).toBe(50);
    expect(data.rows[49]).toEqual([50]);
    expect(data).toMatchObject({ truncated: true, total: 200 });
    expect(data.note).toMatch(
      /row cap 50, set by maxRows\); page with LIMIT\/OFFSET under ORDER BY a unique key .*, or narrow with WHERE$/,
    );
  });

  it("skips a cell far past the byte cap without encoding it, and says how to get at it", async () => {
    const data = dataOf<Rows>(await query("SELECT 1 AS id, randomblob(50000000) AS huge"));
    expect(data).toMatchObject({ rows: [], rowCount: 0, truncated: true, total: 1 });
    expect(data.note).toMatch(
      /20000-byte response cap \(set by maxResponseBytes\); select fewer or shorter columns \(e\.g\. substr/,
    );
  });

  it("counts past the row cap for a while, then reports the total as a lower bound", async () => {
    const data = dataOf<Rows>(
      await query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1e12) SELECT x FROM c"),
    );
    expect(data).toMatchObject({ rowCount: 50, truncated: true, totalIsLowerBound: true });
    expect(data.total).toBeGreaterThan(50);
    // So many rows are paged by key: OFFSET would re-read every row before each page.
    expect(data.note).toMatch(/page by a unique key: WHERE key > :last ORDER BY key LIMIT 50\b/);
  });

  it.each([
    ["a huge token in an error", `SELECT '${"a".repeat(200_000)}`],
    ["a huge unknown name in an error", `SELECT ${"a".repeat(200_000)}`],
    ["huge column names", `SELECT 1 AS "${"a".repeat(200_000)}"`],
    ["many columns", `SELECT ${Array.from({ length: 1500 }, (_, i) => `${i} AS column_${i}`).join(", ")}`],
  ])("keeps the reply bounded with %s", async (_, sql) => {
    const result = await query(sql);
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result).length).toBeLessThan(20_000);
    expect(textOf(result)).toMatch(/cut at 2000 characters|column names alone take \d+ bytes/);
    expect(dataOf<Rows>(await query("SELECT 1 AS one")).rows).toEqual([[1]]);
  });

  it("keeps the reply under the byte cap", async () => {
    const result = await query(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30) SELECT x, printf('%.2000c', 'y') AS pad FROM c",
    );
    const data = dataOf<Rows>(result);
    expect(Buffer.byteLength(textOf(result))).toBeLessThanOrEqual(20_000);
    expect(data.rowCount).toBeGreaterThan(0);
    expect(data.rowCount).toBeLessThan(30);
    expect(data).toMatchObject({ truncated: true, total: 30 });
    expect(data.note).toMatch(/20000-byte response cap/);
  });
});

/**
 * PRAGMAs that SQLite applies to the whole process while it compiles them (so before any verdict), in spellings a
 * lexer could miss; the last part of each is what reads the setting back.
 */
const PROCESS_WIDE: [sql: string, readBack: string][] = [
  ["PRAGMA temp_store_directory = '{dir}'", "PRAGMA temp_store_directory"],
  ["/* c */ ;; -- x\n EXPLAIN pragma main . \"TEMP_STORE_DIRECTORY\"('{dir}')", "PRAGMA temp_store_directory"],
  // SQLite applies the value before it reaches the syntax error after it.
  ["PRAGMA [temp_store_directory]/**/= '{dir}' trailing words", "PRAGMA temp_store_directory"],
  ["\uFEFFPRAGMA \uFEFF'temp_store_directory' = '{dir}'", "PRAGMA temp_store_directory"],
  ["PRAGMA `temp_store_directory` = ''", "PRAGMA temp_store_directory"],
  ["PRAGMA soft_heap_limit = 1000000000", "PRAGMA soft_heap_limit"],
  ["explain query plan PRAGMA temp.hard_heap_limit = 4000000000", "PRAGMA hard_heap_limit"],
];

describe("execute_query on a read-only server, given a PRAGMA that changes a setting of the whole process", () => {
  const db = useSeededServer({ readOnly: true }, 20_000);
  const { dir } = db;

  it.each(PROCESS_WIDE)(
    "refuses %j before SQLite compiles it; the process keeps its setting",
    async (sql, readBack) => {
      const before = dataOf<Rows>(await db.conn.call("execute_query", { sql: readBack })).rows;
      const pid = db.executor.pid;
      const result = await db.conn.call("execute_query", { sql: sql.replaceAll("{dir}", dir) });
      // Read back on the same executor process: a refused statement must have changed nothing there.
      expect(dataOf<Rows>(await db.conn.call("execute_query", { sql: readBack })).rows).toEqual(before);
      expect(db.executor.pid).toBe(pid);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/refused, nothing ran: .*whole process/);
    },
  );
});

describe("execute_query past the time limit", () => {
  const db = useSeededServer({}, 500);
  const { path } = db;

  it("stops an endless recursive CTE with an error that says so, kills its process, and keeps answering", async () => {
    await db.conn.call("list_tables");
    const pid = db.executor.pid as number;
    expect(isAlive(pid)).toBe(true);
    const result = await db.conn.call("execute_query", {
      sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/stopped after 500 ms, the time limit/);
    expect(await eventually(() => !isAlive(pid))).toBe(true);
    await untilRunning(db.executor); // its replacement, started at once
    expect(dataOf<Rows>(await db.conn.call("execute_query", { sql: "SELECT count(*) FROM items" })).rows).toEqual([
      [3],
    ]);
    expect(db.executor.pid).not.toBe(pid);
  });

  it("stops counting past the row cap within the time limit, so the cut rows still come back", async () => {
    const data = dataOf<Rows>(
      await db.conn.call("execute_query", {
        sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c",
      }),
    );
    expect(data).toMatchObject({ rowCount: 500, truncated: true, totalIsLowerBound: true });
    expect(data.total).toBeGreaterThan(500);
  });

  it("rolls back a runaway write and leaves the database writable", async () => {
    const expected = snapshot(path);
    const result = await db.conn.call("execute_write", {
      sql: "UPDATE items SET qty = (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c)",
    });
    expect(textOf(result)).toMatch(/stopped after 500 ms.*rolled back/);
    expect(snapshot(path)).toEqual(expected);
    await untilRunning(db.executor);
    const txn = await db.conn.call("execute_transaction", {
      statements: [
        { sql: "INSERT INTO items (name) VALUES ('ghost')" },
        { sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c" },
      ],
    });
    expect(textOf(txn)).toMatch(
      /^execute_transaction failed: statement 2 of 2 was still running when the transaction was stopped after 500 ms, the time limit set by timeoutMs.*: "WITH RECURSIVE c\(x\) AS .*"\. So the whole transaction was rolled back and nothing was applied \(statement 1 included\)\. Make statement 2 quicker/,
    );
    expect(snapshot(path)).toEqual(expected);
    await untilRunning(db.executor);
    const write = await db.conn.call("execute_write", { sql: "UPDATE items SET qty = qty + 1 WHERE id = 1" });
    expect(dataOf(write)).toMatchObject({ changes: 1 });
  });
});

describe("execute_query on a rollback-journal file another connection holds an EXCLUSIVE lock on", () => {
  const server = useRollbackLockedServer();

  it("says the statement did not run, that nothing changed, who holds the lock and to retry", async () => {
    const { result, before, after } = await server.callLocked("execute_query", { sql: "SELECT count(*) FROM items" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(lockedReply("execute_query", "the statement did not run"));
    expect(textOf(result)).toMatch(/Statement: SELECT count\(\*\) FROM items$/);
    expect(after).toEqual(before);
  });
});
