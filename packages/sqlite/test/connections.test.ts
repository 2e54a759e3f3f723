import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ChildExecutor } from "../src/child-executor.js";
import { closeConnections, openConnections } from "../src/connections.js";
import { connect, dataOf, executorEntry, tempDir, textOf } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A rollback-journal (not WAL) database, and another connection holding its lock in a `mode` transaction. */
function lockedRollbackDatabase(mode: "IMMEDIATE" | "EXCLUSIVE"): string {
  const { dir, cleanup } = tempDir();
  const path = join(dir, "journal.db");
  const other = new Database(path);
  other.exec("CREATE TABLE audit(id INTEGER PRIMARY KEY, msg TEXT); INSERT INTO audit(msg) VALUES ('a')");
  other.exec(`BEGIN ${mode}; INSERT INTO audit(msg) VALUES ('held')`);
  cleanups.push(() => {
    other.exec("COMMIT");
    other.close();
    cleanup();
  });
  return path;
}

describe("openConnections on a rollback-journal file another connection holds a lock on", () => {
  it("opens without switching to WAL, says so once, and reads under the other's RESERVED lock", () => {
    const path = lockedRollbackDatabase("IMMEDIATE");
    const lines: string[] = [];
    const conns = openConnections({ path, readOnly: false, busyTimeoutMs: 100, log: (line) => lines.push(line) });
    try {
      expect(lines).toEqual([
        expect.stringMatching(/stays in its rollback journal mode for now: .*could not switch to WAL/),
      ]);
      expect(conns.reader.prepare("SELECT count(*) FROM audit").pluck().get()).toBe(1);
      expect(conns.reader.pragma("journal_mode", { simple: true })).toBe("delete");
    } finally {
      closeConnections(conns);
    }
  });
});

/** Another process holds a read transaction on `path` (a SHARED lock) for `ms`, from when this resolves. */
async function lockBriefly(path: string, ms: number): Promise<void> {
  const script = `const db = new (require("better-sqlite3"))(process.argv[1]); db.exec("BEGIN");
    db.prepare("SELECT count(*) FROM sqlite_schema").get(); console.log("locked");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ["-e", script, path, String(ms)], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: ["ignore", "pipe", "inherit"],
  });
  cleanups.push(() => child.kill());
  await new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`the lock holder exited ${code}`)));
  });
}

// Replicas started together on one new file (the README's loop) take each other's locks for a moment as they open.
describe("openConnections while another process holds a lock for a moment", () => {
  it("switches the file to WAL once the lock goes, without the warning", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, "team.db");
    new Database(path).close();
    await lockBriefly(path, 150);
    const lines: string[] = [];
    const conns = openConnections({ path, readOnly: false, busyTimeoutMs: 5000, log: (line) => lines.push(line) });
    try {
      expect(lines).toEqual([]);
      expect(conns.writer?.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      closeConnections(conns);
    }
  });
});

describe("a server on a rollback-journal file another connection holds an EXCLUSIVE lock on", () => {
  it("answers each call, also one queued behind another, that the database is locked, not that it was too slow", async () => {
    const path = lockedRollbackDatabase("EXCLUSIVE");
    const executor = new ChildExecutor({ path, readOnly: false, timeoutMs: 4000, entry: await executorEntry() });
    const conn = await connect({ database: executor });
    try {
      const [query, write] = await Promise.all([
        conn.call("execute_query", { sql: "SELECT count(*) FROM audit" }),
        conn.call("execute_write", { sql: "INSERT INTO audit(msg) VALUES ('ours')" }),
      ]);
      expect(textOf(query)).toMatch(/database is locked .*nothing was changed\. Retry shortly/);
      expect(textOf(write)).toMatch(/database is locked .*nothing was changed\. Retry shortly/);
      expect(textOf(write)).not.toMatch(/stopped after|Narrow it/);
    } finally {
      await conn.close();
      await executor.close();
    }
  });

  it("reads under the RESERVED lock of another connection's pending write", async () => {
    const path = lockedRollbackDatabase("IMMEDIATE");
    const executor = new ChildExecutor({ path, readOnly: false, timeoutMs: 4000, entry: await executorEntry() });
    const conn = await connect({ database: executor });
    try {
      expect(dataOf(await conn.call("execute_query", { sql: "SELECT count(*) AS n FROM audit" }))).toMatchObject({
        rows: [[1]],
      });
    } finally {
      await conn.close();
      await executor.close();
    }
  });
});

// SQLite needs the -shm file of a WAL database even to read it; as root every folder is writable, so the built bin
// runs as nobody there (setpriv), as the user who met this did.
describe("the built bin, read-only, on a WAL file in a folder its user cannot write", () => {
  it("says so with the fix, on stderr and to the call", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const folder = join(dir, "locked");
    mkdirSync(folder);
    const path = join(folder, "wal.db");
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)");
    db.close();
    chmodSync(dir, 0o755);
    chmodSync(path, 0o644);
    chmodSync(folder, 0o555);
    const bin = [
      process.execPath,
      fileURLToPath(new URL("../dist/cli.cjs", import.meta.url)),
      "--db",
      path,
      "--read-only",
    ];
    const asNobody = process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
    const [command = "", ...args] = [...asNobody, ...bin];
    const transport = new StdioClientTransport({ command, args, stderr: "pipe", cwd: dir });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    const client = new Client({ name: "test", version: "1" });
    await client.connect(transport);
    try {
      const result = (await client.callTool({ name: "execute_query", arguments: { sql: "SELECT x FROM t" } })) as {
        content: { type: string; text: string }[];
      };
      const fix =
        /it is in WAL mode.*cannot create in .*locked: make the folder writable, or convert the file with PRAGMA journal_mode=DELETE/;
      expect(result.content[0]?.text).toMatch(fix);
      expect(stderr).toMatch(fix);
    } finally {
      await client.close();
    }
  });
});

describe("closeConnections", () => {
  it("leaves no -wal or -shm file beside a new database that was only read", () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, "new.db");
    const conns = openConnections({ path, readOnly: false, busyTimeoutMs: 100 });
    conns.reader.prepare("SELECT count(*) FROM sqlite_schema").get();
    expect(existsSync(`${path}-wal`)).toBe(true);
    closeConnections(conns);
    expect([existsSync(`${path}-wal`), existsSync(`${path}-shm`)]).toEqual([false, false]);
  });
});

describe("openConnections switching a file to WAL", () => {
  const opened = (setup: (db: Database.Database) => void) => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, "app.db");
    const app = new Database(path);
    setup(app);
    app.close();
    const lines: string[] = [];
    closeConnections(openConnections({ path, readOnly: false, busyTimeoutMs: 100, log: (line) => lines.push(line) }));
    const mode = new Database(path, { readonly: true });
    cleanups.push(() => mode.close());
    return { lines, mode: mode.pragma("journal_mode", { simple: true }) };
  };

  it("tells the operator when an app's rollback-journal database is now WAL, for good, and how to switch it back", () => {
    const { lines, mode } = opened((db) => db.exec("PRAGMA journal_mode = DELETE; CREATE TABLE users (id INTEGER)"));
    expect(mode).toBe("wal");
    expect(lines).toEqual([
      expect.stringMatching(
        /app\.db was in a rollback journal mode and is now in WAL, which the file keeps after the server stops .* stop the server and run PRAGMA journal_mode=DELETE/,
      ),
    ]);
  });

  it.each([
    ["a new, empty file", () => {}],
    ["a file in WAL already", (db: Database.Database) => db.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x)")],
  ])("says nothing for %s", (_, setup) => {
    expect(opened(setup).lines).toEqual([]);
  });
});
