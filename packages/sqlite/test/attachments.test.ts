import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attachedOf, createdFilesNote, type DatabaseEntry, databaseList, sameFileTwice } from "../src/attachments.js";
import { closeConnections, openConnections } from "../src/connections.js";
import { runRequest } from "../src/engine.js";
import { tempDir } from "./helpers.js";

const main = { seq: 0, name: "main", file: "/db/data.db" };
const temp = { seq: 1, name: "temp", file: "" };
const at = (seq: number, name: string, file: string): DatabaseEntry => ({ seq, name, file });

describe("attachedOf (pure)", () => {
  it.each([
    [[main], []],
    [[main, temp], []],
    [[main, at(2, "o", "/db/o.db")], ["o"]],
    [
      [main, temp, at(2, "o", "/db/o.db"), at(3, "mem", "")],
      ["o", "mem"],
    ],
    // Names are the caller's: a schema called "main " or "TEMP" is still an attachment.
    [
      [main, at(2, "main ", "/db/a.db"), at(3, "TEMP", "/db/b.db")],
      ["main ", "TEMP"],
    ],
  ])("%j → %j", (list, names) => {
    expect(attachedOf(list).map(({ name }) => name)).toEqual(names);
  });
});

describe("sameFileTwice (pure)", () => {
  it.each([
    [[main], undefined],
    [[main, at(2, "o", "/db/o.db")], undefined],
    [[main, at(2, "o", "/db/o.db"), at(3, "p", "/db/p.db")], undefined],
    [[main, at(2, "a", ""), at(3, "b", "")], undefined], // in-memory databases share no file
    [[main, at(2, "again", "/db/data.db")], { name: "again", already: "main" }],
    [[main, at(2, "a", "/db/o.db"), at(3, "b", "/db/o.db")], { name: "b", already: "a" }],
    [[at(3, "b", "/db/o.db"), main, at(2, "a", "/db/o.db")], { name: "b", already: "a" }], // by seq, not list order
    [[main, temp, at(2, "a", "/db/O.db"), at(3, "b", "/db/o.db")], undefined], // another file on a case-sensitive disk
  ])("%j → %j", (list, found) => {
    const twice = sameFileTwice(list);
    expect(twice && { name: twice.name, already: twice.already }).toEqual(found);
  });
});

describe("createdFilesNote (pure)", () => {
  it.each([
    [[], /^$/],
    [
      ["/db/x.db"],
      /^ATTACH created the file \/db\/x\.db, which did not exist \(or was empty\).*delete it if not wanted\.$/,
    ],
    [
      ["/db/x.db", "/db/y.db", "/db/x.db"],
      /^ATTACH created the files \/db\/x\.db, \/db\/y\.db, which.*were empty.*them/,
    ],
  ])("%j", (files, note) => {
    expect(createdFilesNote(files)).toMatch(note);
  });
});

describe("an attachment made in a transaction stopped at the time limit between rows", () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  it("is detached, and the message names the file ATTACH created", () => {
    const conns = openConnections({ path: join(tmp.dir, "data.db"), readOnly: false, busyTimeoutMs: 100 });
    const other = join(tmp.dir, "other.db");
    try {
      const limits = { maxRows: 10, maxBytes: 10_000, allowAttach: true, countMs: 0 };
      const statements = [
        { sql: "ATTACH ? AS o", params: [other] },
        { sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c" },
      ];
      const deadline = { at: performance.now() - 1, ms: 1000 };
      const reply = runRequest(conns, { op: "transaction", statements, limits }, deadline);
      expect(reply).toMatchObject({ ok: false, refusal: "timeout" });
      expect(reply.ok ? "" : reply.error).toMatch(/stopped after 1000 ms.*ATTACH created the file .*other\.db/);
      expect(existsSync(other)).toBe(true);
      expect(conns.writer && attachedOf(databaseList(conns.statements, conns.writer))).toEqual([]);
    } finally {
      closeConnections(conns);
    }
  });
});
