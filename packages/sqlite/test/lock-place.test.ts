import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { DatabaseEntry } from "../src/attachments.js";
import { commitLockPlace, lockedDatabase, schemasOpened, statementLockPlace } from "../src/lock-place.js";
import type { LossStep } from "../src/loss-policy.js";
import { snapshot, textOf, useSeededServer } from "./helpers.js";

const LIST: DatabaseEntry[] = [
  { seq: 0, name: "main", file: "/data/main.db" },
  { seq: 1, name: "temp", file: "" },
  { seq: 2, name: "aux", file: "/data/aux.db" },
  { seq: 3, name: "mem", file: "" },
];
const AUX = 'attached database "aux" (/data/aux.db)';

let addr = 0;
const step = (opcode: string, p1 = 0, p2 = 0, p4: unknown = null): LossStep => ({
  addr: addr++,
  opcode,
  p1,
  p2,
  p3: 0,
  p4,
});
/** A program opening these schemas ([schema, writes]). */
const opening = (...schemas: [number, boolean][]) => [
  step("Init"),
  ...schemas.map(([db, writes]) => step("Transaction", db, writes ? 1 : 0)),
];

describe("lockedDatabase / statementLockPlace: which file another connection's lock may be on", () => {
  it.each<[string, LossStep[] | undefined, boolean, string | undefined]>([
    ["main only: the main file, said as before", opening([0, true]), false, undefined],
    ["temp only: private, so the main file", opening([1, true]), false, undefined],
    ["an attached one, main held by the call's transaction", opening([0, false], [2, true]), true, AUX],
    ["an attached one, main not held", opening([0, false], [2, true]), false, `the database file or ${AUX}`],
    ["only an attached one", opening([2, false]), false, AUX],
    ["two attached", opening([2, true], [3, false]), true, `${AUX} or "mem" (in memory)`],
    ["no program listed: any attached one", undefined, true, `${AUX} or "mem" (in memory)`],
    [
      "an ATTACH: the file it opens",
      [step("Init"), step("Function", 0, 1, "sqlite_attach(3)")],
      true,
      "the file this ATTACH opens",
    ],
  ])("%s", (_name, program, mainHeld, expected) => {
    expect(statementLockPlace(program, LIST, mainHeld)).toBe(expected);
  });

  it("names the attached databases a transaction wrote, for a lock at COMMIT", () => {
    const written = schemasOpened(opening([0, false], [2, true]), true);
    expect(written).toEqual(new Set([2]));
    expect(lockedDatabase(written, LIST, false)).toBe(AUX);
    expect(lockedDatabase(new Set([0, 2]), LIST, false)).toBe(`the database file or ${AUX}`);
    expect(lockedDatabase(new Set(), LIST, false)).toBeUndefined();
  });

  it.each<[string, number[], string, string | undefined]>([
    ["main in WAL, which a COMMIT waits for no reader on", [0, 2], "wal", AUX],
    ["main in WAL, as SQLite may spell it", [0, 2], "WAL", AUX],
    ["main in a rollback journal, which readers can hold up", [0, 2], "delete", `the database file or ${AUX}`],
    ["main in a rollback journal, not written", [2], "truncate", AUX],
    ["main alone, in WAL: the main file, said as before", [0], "wal", undefined],
  ])("commitLockPlace: %s", (_name, written, mode, expected) => {
    expect(commitLockPlace(new Set(written), LIST, mode)).toBe(expected);
  });
});

describe("execute_transaction stopped by another program's lock on a database it attached", () => {
  const db = useSeededServer({ allowAttach: true, busyTimeoutMs: 100 });
  /** Call with another connection holding `lock` on a fresh aux file in `mode`; the main file must not change. */
  const callLocked = async (
    mode: "WAL" | "DELETE",
    lock: (other: Database.Database) => void,
    sql: string | string[],
  ) => {
    const aux = join(db.dir, `aux-${mode}-${addr++}.db`);
    const seed = new Database(aux);
    seed.pragma(`journal_mode = ${mode}`);
    seed.exec("CREATE TABLE notes (text TEXT)");
    seed.close();
    const other = new Database(aux);
    const before = snapshot(db.path);
    try {
      lock(other);
      const statements = [{ sql: "ATTACH ? AS aux", params: [aux] }, ...[sql].flat().map((sql) => ({ sql }))];
      const result = await db.conn.call("execute_transaction", { statements });
      expect(snapshot(db.path)).toEqual(before);
      return { text: textOf(result), aux };
    } finally {
      if (other.inTransaction) other.exec("ROLLBACK");
      other.close();
    }
  };
  const writing = (other: Database.Database) => other.exec("BEGIN IMMEDIATE; INSERT INTO notes VALUES ('x')");

  it("a write to it names the attached database and its file, not the main file", async () => {
    const { text, aux } = await callLocked("WAL", writing, "INSERT INTO aux.notes SELECT name FROM items");
    expect(text).toBe(
      `execute_transaction failed: statement 2 of 2 failed, so the transaction was rolled back and nothing was applied: database is locked [SQLITE_BUSY]: another connection (a replica of this server on the same file, another program, or a sqlite3 shell with a transaction open) holds a lock on attached database "aux" (${aux}), so the statement did not run and nothing was changed. Retry shortly; if it stays locked, that connection must first commit or roll back (or close, if it runs with PRAGMA locking_mode = EXCLUSIVE, which holds the file until then). Statement: INSERT INTO aux.notes SELECT name FROM items`,
    );
  });

  it("an ATTACH of a file locked EXCLUSIVE says the lock is on the file it opens", async () => {
    const { text } = await callLocked("DELETE", (other) => other.exec("BEGIN EXCLUSIVE"), "SELECT 1");
    expect(text).toMatch(
      /statement 1 of 2 failed.*holds a lock on the file this ATTACH opens, so the statement did not run.*Statement: ATTACH \? AS aux$/,
    );
  });

  it("a COMMIT a reader of the attached file holds up names that database", async () => {
    const reading = (other: Database.Database) => {
      other.exec("BEGIN");
      other.prepare("SELECT count(*) FROM notes").get();
    };
    const { text, aux } = await callLocked("DELETE", reading, "INSERT INTO aux.notes VALUES ('a')");
    expect(text).toMatch(
      `holds a lock on attached database "aux" (${aux}), so the transaction could not take the lock it needs, was rolled back`,
    );
  });

  it("a COMMIT that wrote the main file too names only the attached one, since main in WAL waits for no reader", async () => {
    const reading = (other: Database.Database) => {
      other.exec("BEGIN");
      other.prepare("SELECT count(*) FROM notes").get();
    };
    const sql = ["INSERT INTO items (name) VALUES ('b')", "INSERT INTO aux.notes VALUES ('b')"];
    const { text, aux } = await callLocked("DELETE", reading, sql);
    expect(text).toContain(
      `holds a lock on attached database "aux" (${aux}), so the transaction could not take the lock it needs, was rolled back`,
    );
  });
});
