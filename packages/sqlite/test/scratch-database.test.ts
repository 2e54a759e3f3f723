import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDatabase } from "../src/scratch-database.js";
import { createSqliteServer } from "../src/server.js";
import { connect, dataOf, tempDir, textOf } from "./helpers.js";

/** The scratch folders in the system's temporary directory now. */
const scratchFolders = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("mcp-sqlite-memory-")));

describe('database ":memory:"', () => {
  it("keeps every table when a statement is stopped at the time limit (the executor killed and started again)", async () => {
    const before = scratchFolders();
    const conn = await connect({ database: ":memory:", timeoutMs: 1500 });
    const made = [...scratchFolders()].filter((name) => !before.has(name));
    try {
      expect(made).toHaveLength(1);
      await conn.call("execute_write", { sql: "CREATE TABLE notes (body TEXT)" });
      await conn.call("execute_write", { sql: "INSERT INTO notes VALUES ('kept')" });
      const endless = await conn.call("execute_query", {
        sql: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
      });
      expect(endless.isError).toBe(true);
      expect(textOf(endless)).toMatch(/stopped after 1500 ms/);
      expect(dataOf(await conn.call("execute_query", { sql: "SELECT body FROM notes" }))).toMatchObject({
        rows: [["kept"]],
      });
    } finally {
      await conn.close();
    }
    // Gone with the server, as an in-memory database is.
    expect(existsSync(join(tmpdir(), made[0] ?? "none"))).toBe(false);
  }, 30_000);

  it("read-only: stays in memory (nothing to lose), and no folder is made", async () => {
    const before = scratchFolders();
    const conn = await connect({ database: ":memory:", readOnly: true });
    try {
      expect(dataOf(await conn.call("execute_query", { sql: "SELECT 1 + 1" }))).toMatchObject({ rows: [[2]] });
      expect([...scratchFolders()].filter((name) => !before.has(name))).toEqual([]);
    } finally {
      await conn.close();
    }
  });

  it("an executorEntry that does not exist is refused, leaving no folder behind", () => {
    const before = scratchFolders();
    expect(() =>
      createSqliteServer({ database: ":memory:", executorEntry: join(tmpdir(), "no-such-executor.js") }),
    ).toThrow(/executor script .* does not exist/);
    expect([...scratchFolders()].filter((name) => !before.has(name))).toEqual([]);
  });

  it("goes when a program that never closes its server exits (the built package)", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const index = join(import.meta.dirname, "..", "dist", "index.js");
      const script = `import { createSqliteServer } from ${JSON.stringify(index)};
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
// Eleven open at once: one exit listener each, and no warning about a leak.
const [server, ...others] = Array.from({ length: 11 }, () => createSqliteServer({ database: ":memory:" }));
const client = new Client({ name: "forgetful", version: "1.0.0" });
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(serverSide);
await client.connect(clientSide);
const made = await client.callTool({ name: "execute_write", arguments: { sql: "CREATE TABLE t (x)" } });
console.log(made.isError ? "failed" : \`made, and \${others.length} more\`);`;
      // The program's temporary directory is ours, so no other test's scratch folder is counted.
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
        cwd: join(import.meta.dirname, ".."),
        env: { ...process.env, TMPDIR: dir },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk) => {
        out += chunk;
      });
      child.stderr.on("data", (chunk) => {
        err += chunk;
      });
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      clearTimeout(killer);
      expect({ code, out, err }).toEqual({ code: 0, out: "made, and 10 more\n", err: "" });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  }, 30_000);

  it("scratchDatabase: a file in a fresh folder only this user may enter, removed whole", () => {
    const scratch = scratchDatabase();
    const folder = join(scratch.path, "..");
    expect(scratch.path.endsWith("memory.db")).toBe(true);
    expect(existsSync(folder)).toBe(true);
    scratch.remove();
    expect(existsSync(folder)).toBe(false);
  });
});
