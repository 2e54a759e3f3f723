import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { closeConnections, openConnections } from "../src/connections.js";
import { connect, dataOf, tempDir } from "./helpers.js";

// A read-only server on an app's WAL database: what it leaves beside the file once it closes.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A WAL-mode database with a table of two rows, closed: no -wal or -shm beside it. */
function walDatabase(): { dir: string; path: string } {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const path = join(dir, "app.db");
  const app = new Database(path);
  app.pragma("journal_mode = WAL");
  app.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('a'), ('b')");
  app.close();
  return { dir, path };
}

const besides = (path: string) => [existsSync(`${path}-wal`), existsSync(`${path}-shm`)];

describe("a read-only server on a WAL file no other program has open", () => {
  it("removes the -wal and -shm files its reading made when it closes, leaving the file as it found it", async () => {
    const { dir, path } = walDatabase();
    const conn = await connect({ database: path, readOnly: true });
    const rows = dataOf<{ rows: unknown[][] }>(await conn.call("execute_query", { sql: "SELECT count(*) FROM users" }));
    expect(rows.rows).toEqual([[2]]);
    expect(besides(path)).toEqual([true, true]);
    await conn.close();
    expect(readdirSync(dir)).toEqual(["app.db"]);
    const app = new Database(path, { readonly: true });
    expect(app.pragma("journal_mode", { simple: true })).toBe("wal");
    app.close();
  });
});

describe("closeConnections, read-only, on a WAL file", () => {
  it("leaves the files while another connection has the file open, and that connection's writes stay", () => {
    const { path } = walDatabase();
    const conns = openConnections({ path, readOnly: true, busyTimeoutMs: 100 });
    conns.reader.prepare("SELECT count(*) FROM users").get();
    const app = new Database(path);
    try {
      app.exec("INSERT INTO users (name) VALUES ('c')");
      closeConnections(conns);
      expect(besides(path)).toEqual([true, true]);
      app.exec("INSERT INTO users (name) VALUES ('d')");
      expect(app.prepare("SELECT count(*) FROM users").pluck().get()).toBe(4);
    } finally {
      app.close();
    }
    // The app, now the last connection, removed them as SQLite does.
    expect(besides(path)).toEqual([false, false]);
  });

  it("leaves files it found there (another program's, perhaps with its commits) for that program", () => {
    const { path } = walDatabase();
    const app = new Database(path);
    app.exec("INSERT INTO users (name) VALUES ('c')");
    const conns = openConnections({ path, readOnly: true, busyTimeoutMs: 100 });
    expect(conns.reader.prepare("SELECT count(*) FROM users").pluck().get()).toBe(3);
    // The app stops while the server reads: with the server's reader open it cannot remove them.
    app.close();
    closeConnections(conns);
    expect(besides(path)).toEqual([true, true]);
  });
});
