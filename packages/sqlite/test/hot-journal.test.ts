import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { type Connected, connect, dataOf, tempDir, textOf } from "./helpers.js";

// An app killed mid-transaction on a rollback-journal file, and a read-only server on that file.

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const addon = createRequire(import.meta.url).resolve("better-sqlite3");

/** A rollback-journal database with one row in `users`. */
function journalDatabase(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const path = join(dir, "app.db");
  const db = new Database(path);
  db.pragma("journal_mode = DELETE");
  db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('a')");
  db.close();
  return path;
}

/** Another process writes more than its cache holds in one transaction (so pages reach the file), then is killed. */
function crashMidWrite(path: string): void {
  const script = `const D = require(${JSON.stringify(addon)}); const d = new D(${JSON.stringify(path)});
    d.pragma("cache_size = 1"); d.exec("BEGIN"); const s = d.prepare("INSERT INTO users (name) VALUES (?)");
    for (let i = 0; i < 3000; i++) s.run("x".repeat(100)); process.kill(process.pid, "SIGKILL");`;
  spawnSync(process.execPath, ["-e", script]);
  expect(existsSync(`${path}-journal`)).toBe(true);
}

/** What a connection that can write does on reading the file: roll the unfinished write back. */
function rollBack(path: string): void {
  const db = new Database(path);
  db.prepare("SELECT count(*) FROM users").get();
  db.close();
}

async function readOnlyServer(path: string): Promise<Connected> {
  const conn = await connect({ database: path, readOnly: true });
  cleanups.push(() => conn.close());
  return conn;
}

const HOT = /stopped partway through writing the file .* rolls that write back; deleting the -journal file instead/;

describe("a read-only server on a file whose writer was killed mid-transaction (a hot journal)", () => {
  it("says who must roll it back, where it said to fix or replace the file, and reads once that is done", async () => {
    const path = journalDatabase();
    crashMidWrite(path);
    const conn = await readOnlyServer(path);
    const failed = await conn.call("execute_query", { sql: "SELECT count(*) FROM users" });
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toMatch(HOT);
    expect(textOf(failed)).not.toMatch(/fixes or replaces/);
    rollBack(path);
    const value = dataOf<{ rows: unknown[][] }>(
      await conn.call("execute_query", { sql: "SELECT count(*) FROM users" }),
    );
    expect(value.rows).toEqual([[1]]);
  });

  it("says the same to a read and to describe_table when the writer dies while the server runs", async () => {
    const path = journalDatabase();
    const conn = await readOnlyServer(path);
    expect((await conn.call("execute_query", { sql: "SELECT count(*) FROM users" })).isError).toBeFalsy();
    crashMidWrite(path);
    const query = textOf(await conn.call("execute_query", { sql: "SELECT count(*) FROM users" }));
    expect(query).toMatch(HOT);
    // It said the file was not writable by the server's user and that reads still work.
    expect(query).not.toMatch(/not writable|reads still work/);
    const described = textOf(await conn.call("describe_table", { table: "users" }));
    expect(described).toMatch(/table "users" could not be read, and nothing was changed: a program stopped partway/);
    expect(described).toMatch(HOT);
  });
});
