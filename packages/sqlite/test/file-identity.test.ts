import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serveHttp } from "@mcp-toolkit/core";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { fileIdentity, replacedFileMessage } from "../src/file-identity.js";
import { createSqliteServerFactory } from "../src/server.js";
import { type Connected, connect, executorEntry, tempDir, textOf } from "./helpers.js";

let open: Connected | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
  cleanup?.();
});

function makeDb(file: string, rows: number): void {
  const db = new Database(file);
  db.exec("CREATE TABLE t (x)");
  for (let i = 0; i < rows; i++) db.prepare("INSERT INTO t VALUES (?)").run(i);
  db.close();
}

describe("fileIdentity", () => {
  it("stays for the same file, moves when another is renamed over it, and is undefined when it is gone", () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const file = join(temp.dir, "a.db");
    writeFileSync(file, "one");
    const first = fileIdentity(file);
    expect(first).toMatch(/^\d+:\d+$/);
    writeFileSync(file, "rewritten in place");
    expect(fileIdentity(file)).toBe(first);
    writeFileSync(join(temp.dir, "b.db"), "two");
    renameSync(join(temp.dir, "b.db"), file);
    expect(fileIdentity(file)).not.toBe(first);
    rmSync(file);
    expect(fileIdentity(file)).toBeUndefined();
    expect(fileIdentity(":memory:")).toBeUndefined();
  });

  it.each([
    ["removed", undefined],
    ["replaced by another file (renamed or copied over it)", "1:2"],
  ])("says the file was %s and that nothing ran", (what, now) => {
    expect(replacedFileMessage("/d/data.db", now)).toMatch(
      new RegExp(`^refused, nothing ran: the database file /d/data.db was ${what.replace(/[()]/g, "\\$&")} while`),
    );
  });
});

describe("a database file replaced or removed under the server", () => {
  it.each(["replaced", "removed"])(
    "refuses every call once it is %s, instead of writing where no one reads",
    async (how) => {
      const temp = tempDir();
      cleanup = temp.cleanup;
      const file = join(temp.dir, "data.db");
      makeDb(file, 1);
      open = await connect({ database: file });
      expect((await open.call("execute_write", { sql: "INSERT INTO t VALUES (100)" })).isError).toBeFalsy();
      if (how === "replaced") {
        makeDb(join(temp.dir, "restored.db"), 5);
        renameSync(join(temp.dir, "restored.db"), file);
      } else {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
      }
      for (const [tool, args] of [
        ["execute_write", { sql: "INSERT INTO t VALUES (101)" }],
        ["execute_query", { sql: "SELECT count(*) FROM t" }],
      ] as const) {
        const result = await open.call(tool, args);
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(
          new RegExp(
            `^${tool} failed: refused, nothing ran: the database file .*data\\.db was (replaced|removed)\\b.* while this server had it open`,
          ),
        );
      }
    },
  );
});

describe("the health check of a server whose database file was replaced", () => {
  it("answers 503 with the reason once the file is gone, 200 before", async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const file = join(temp.dir, "data.db");
    makeDb(file, 1);
    const factory = createSqliteServerFactory({ database: file, executorEntry: await executorEntry() });
    const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, token: "t".repeat(32) });
    try {
      const health = () => fetch(new URL("/healthz", endpoint.url));
      expect((await health()).status).toBe(200);
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
      const down = await health();
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        status: "unavailable",
        reason: expect.stringMatching(/^the database file .*data\.db was removed while this server had it open/),
      });
    } finally {
      await endpoint.close();
      await factory.close();
    }
  });
});
