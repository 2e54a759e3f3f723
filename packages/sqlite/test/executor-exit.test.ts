import { describe, expect, it } from "vitest";
import type { EngineRequest } from "../src/engine-request.js";
import { afterExit, deathError } from "../src/executor-exit.js";
import type { Job } from "../src/executor-jobs.js";

const LIMITS = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0 };
const READ: EngineRequest = { op: "query", sql: "SELECT 1", limits: LIMITS };
const WRITE: EngineRequest = { op: "write", sql: "DELETE FROM t", limits: LIMITS };

/** A sent job, by letter: r a read, w a write; K killed for it, S settled already (cancelled while sent ahead). */
function sent(spec: string): Job[] {
  return spec.split(" ").map((word, index) => ({
    request: word.startsWith("r") ? READ : WRITE,
    resolve: () => {},
    reject: () => {},
    ...(word.includes("K") ? { killedFor: new Error(`killed for job ${index}`) } : {}),
    ...(word.includes("S") ? { settled: true } : {}),
  }));
}

describe("afterExit", () => {
  it.each([
    // [what happened, sent, killed by us, index of the job lost, indexes sent again]
    ["the process died under a read", "r r r", false, 0, [1, 2]],
    ["we killed it for the running read", "rK r r", true, 0, [1, 2]],
    ["we killed it for a read that answered just before: the next read was stopped", "r r", true, undefined, [0, 1]],
    ["we killed it for a write that had answered", "w", true, 0, []],
    ["the process died under a write", "w", false, 0, []],
    ["a read sent ahead was cancelled: it is not sent again", "rK rS r", true, 0, [2]],
    ["stopped reads that were cancelled are not sent again", "rS r", true, undefined, [1]],
  ])("%s", (_, spec, killedByUs, lostAt, againAt) => {
    const jobs = sent(spec);
    const { lost, again } = afterExit(jobs, killedByUs);
    expect(lost).toBe(lostAt === undefined ? undefined : jobs[lostAt]);
    expect(again).toEqual(againAt.map((index) => jobs[index]));
  });

  it("loses nothing when nothing was sent", () => {
    expect(afterExit([], true)).toEqual({ lost: undefined, again: [] });
  });
});

describe("deathError", () => {
  it("is the error we killed the process for, when we did", () => {
    const [job] = sent("rK") as [Job];
    expect(deathError(job, "SIGKILL", 256)).toBe(job.killedFor);
  });

  it("else says the process died, how, and the memory limit it may have hit", () => {
    const [job] = sent("r") as [Job];
    expect(deathError(job, "exit code 1", 160).message).toMatch(
      /^the SQLite executor process died while running this \(exit code 1\), perhaps at the executor's memory limit of 160 MiB, set by maxMemoryMb.*\. It did not complete; a fresh process takes the next call$/,
    );
  });

  it("tells of a write that it may have committed before its answer was lost, and to look before running it again", () => {
    const [job] = sent("w") as [Job];
    expect(deathError(job, "SIGKILL", 160).message).toMatch(
      /\. Its answer was lost: if the process died after SQLite committed, the change is in the database, else it was rolled back, so check with execute_query before running it again; a fresh process takes the next call$/,
    );
  });
});
