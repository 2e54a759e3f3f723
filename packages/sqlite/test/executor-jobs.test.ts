import { describe, expect, it } from "vitest";
import type { EngineReply, EngineRequest } from "../src/engine-request.js";
import { answer, type Job, maySend, PIPELINE_DEPTH, settle } from "../src/executor-jobs.js";
import { ConfirmationNeeded } from "../src/losses.js";

const LIMITS = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0 };
const QUERY: EngineRequest = { op: "query", sql: "SELECT 1", limits: LIMITS };
const WRITE: EngineRequest = { op: "write", sql: "DELETE FROM t", limits: LIMITS };
const TRANSACTION: EngineRequest = { op: "transaction", statements: [], limits: LIMITS };

/** A job whose outcome is kept: `answers` lists each time it was resolved or rejected. */
function job(request: EngineRequest) {
  const answers: ({ value: Record<string, unknown> } | { error: Error })[] = [];
  const made: Job = {
    request,
    resolve: (value) => answers.push({ value }),
    reject: (error) => answers.push({ error }),
  };
  return { job: made, answers };
}
const jobs = (...requests: EngineRequest[]) => requests.map((request) => job(request).job);

describe("maySend", () => {
  it.each([
    ["a read when nothing is out", QUERY, [], true],
    ["a write when nothing is out", WRITE, [], true],
    ["a read behind a read", QUERY, [QUERY], true],
    ["a read behind one less than the depth of reads", QUERY, Array(PIPELINE_DEPTH - 1).fill(QUERY), true],
    ["a read behind the depth of reads", QUERY, Array(PIPELINE_DEPTH).fill(QUERY), false],
    ["a write behind a read", WRITE, [QUERY], false],
    ["a transaction behind a read", TRANSACTION, [QUERY], false],
    ["a read behind a write", QUERY, [WRITE], false],
    ["a read behind a transaction", QUERY, [TRANSACTION], false],
    ["a catalog read behind reads", { op: "tables", limits: LIMITS } as EngineRequest, [QUERY, QUERY], true],
  ])("%s: %s", (_, next, sent, expected) => {
    expect(maySend(job(next).job, jobs(...sent))).toBe(expected);
  });
});

describe("settle", () => {
  it("answers a job once, however often it is told", () => {
    const { job: made, answers } = job(QUERY);
    settle(made, new Error("first"));
    settle(made, undefined, { rows: [] });
    expect(answers).toEqual([{ error: new Error("first") }]);
    expect(made.settled).toBe(true);
  });

  it("stops listening for the job's cancellation", () => {
    const { job: made } = job(QUERY);
    const abort = new AbortController();
    let cancelled = 0;
    made.signal = abort.signal;
    made.onAbort = () => cancelled++;
    abort.signal.addEventListener("abort", made.onAbort);
    settle(made, undefined, {});
    abort.abort();
    expect(cancelled).toBe(0);
  });
});

describe("answer", () => {
  it.each<[string, EngineReply, Record<string, unknown> | RegExp]>([
    ["a value", { ok: true, value: { rows: [[1]] } }, { rows: [[1]] }],
    ["a plain error", { ok: false, error: "no such table: t" }, /^no such table: t$/],
    [
      "running out of memory, naming the limit",
      { ok: false, error: "out of memory", outOfMemory: true },
      /^out of memory — the statement needed more than the executor's memory limit of 160 MiB, set by maxMemoryMb/,
    ],
  ])("settles %s", (_, reply, expected) => {
    const { job: made, answers } = job(QUERY);
    answer(made, reply, 160);
    if (expected instanceof RegExp) expect((answers[0] as { error: Error }).error.message).toMatch(expected);
    else expect(answers).toEqual([{ value: expected }]);
  });

  it("keeps a refusal's cause, which core counts", () => {
    const { job: made, answers } = job(QUERY);
    answer(made, { ok: false, error: "too big", refusal: "size" }, 256);
    expect((answers[0] as { error: Error }).error).toMatchObject({ message: "too big", refusal: "size" });
  });

  it("asks for confirmation with the losses named", () => {
    const { job: made, answers } = job(WRITE);
    answer(made, { ok: false, error: "", confirm: ['table "t" and its 3 rows'] }, 256);
    const { error } = answers[0] as { error: Error };
    expect(error).toBeInstanceOf(ConfirmationNeeded);
    expect((error as ConfirmationNeeded).losses).toEqual(['table "t" and its 3 rows']);
  });

  it("tells the observer a transaction's statements, unless the job was answered already", () => {
    const statements = [{ agoMs: 3, ms: 1 }];
    const told: unknown[] = [];
    const open = job(TRANSACTION).job;
    open.observe = (seen) => told.push(seen);
    answer(open, { ok: true, value: {}, statements }, 256);
    const cancelled = job(TRANSACTION).job;
    cancelled.observe = (seen) => told.push(seen);
    settle(cancelled, new Error("cancelled"));
    answer(cancelled, { ok: true, value: {}, statements }, 256);
    expect(told).toEqual([statements]);
  });
});
