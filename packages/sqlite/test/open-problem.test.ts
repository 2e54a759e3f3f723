import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openProblem } from "../src/open-problem.js";

const dir = mkdtempSync(join(tmpdir(), "open-problem-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SQLite's error as better-sqlite3 throws it. */
const sqlite = (code: string, message: string) => Object.assign(new Error(message), { code });
/** A probe that fails as an open does with this errno code, or opens fine. */
const probe = (code?: string) => () => {
  if (code) throw Object.assign(new Error(`${code}: open`), { code });
};
const CANTOPEN = sqlite("SQLITE_CANTOPEN", "unable to open database file");

describe("openProblem: whose move it is when the database cannot be opened", () => {
  it.each([
    [
      "out of descriptors",
      CANTOPEN,
      "EMFILE",
      "unable to open database file: the executor process has as many files open as its limit allows (EMFILE, ulimit -n)",
      /^neither the statement nor the file is at fault, .* higher open-file limit \(ulimit -n\)/,
    ],
    [
      "the system out of descriptors",
      CANTOPEN,
      "ENFILE",
      "unable to open database file: the system has as many files open as it allows (ENFILE)",
      /^neither the statement nor the file is at fault/,
    ],
    // Any other file opens: the database itself is what SQLite could not open.
    ["a file it cannot open", CANTOPEN, undefined, "unable to open database file", /operator fixes or replaces it$/],
    ["another errno from the probe", CANTOPEN, "EACCES", "unable to open database file", /fixes or replaces it$/],
    // Only a failure to open is the limit's: a garbled file is the file's, whatever the probe says.
    [
      "a file that is not a database",
      sqlite("SQLITE_NOTADB", "file is not a database"),
      "EMFILE",
      "file is not a database",
      /^it is the server's database file that fails, not the statement/,
    ],
  ])("%s", (_, error, probeCode, reason, remedy) => {
    const problem = openProblem(join(dir, "data.db"), error, probe(probeCode));
    expect(problem.reason).toBe(reason);
    expect(problem.remedy).toMatch(remedy);
  });

  it("probes a real file by default, which opens while descriptors are left", () => {
    expect(openProblem(join(dir, "data.db"), CANTOPEN)).toEqual({
      reason: "unable to open database file",
      remedy: expect.stringMatching(/fixes or replaces it$/),
    });
  });
});
