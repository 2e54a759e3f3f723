import { describe, expect, it } from "vitest";
import { fitTransactionReply, type StatementResult } from "../src/transaction-reply.js";

const caps = { maxBytes: 2000, maxBytesSetting: "--max-bytes N", maxRows: 500, maxRowsSetting: "--max-rows N" };
const returning = (n: number, cell: string): StatementResult => ({
  changes: n,
  columns: ["s"],
  rows: Array.from({ length: n }, () => [cell]),
  rowCount: n,
});
const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe("fitTransactionReply", () => {
  it("returns results that fit as they are", () => {
    const results = [{ changes: 1 }, returning(2, "x")];
    expect(fitTransactionReply(results, caps)).toEqual({ results });
  });

  it.each([
    ["rows of later statements", Array.from({ length: 20 }, () => returning(1, "y".repeat(300))), 2000],
    ["many rows of one statement", [returning(100, "z".repeat(50))], 2000],
    ["100 small results at the smallest cap", Array.from({ length: 100 }, () => returning(1, "1")), 1000],
    ["100 results without rows", Array.from({ length: 100 }, (_, i) => ({ changes: 1, lastInsertRowid: i })), 1000],
  ])("keeps the reply within the cap: %s", (_, results, maxBytes) => {
    const reply = fitTransactionReply(results, { ...caps, maxBytes });
    expect(size(reply)).toBeLessThanOrEqual(maxBytes);
    expect(reply.truncated).toBe(true);
    expect(reply.note).toMatch(/Every statement ran and the transaction was committed.*--max-bytes N/);
  });

  it("shows every change count before rows, and says which statements' rows were left out", () => {
    const results = Array.from({ length: 20 }, () => returning(1, "y".repeat(300)));
    const reply = fitTransactionReply(results, caps);
    expect(reply.results).toHaveLength(20);
    const shown = reply.results.map((r) => (r.rows as unknown[] | undefined)?.length ?? 0);
    const first = shown.indexOf(0);
    expect(first).toBeGreaterThan(0);
    expect(shown.slice(first).every((n) => n === 0)).toBe(true);
    expect(reply.results[0]).toEqual({ changes: 1, columns: ["s"], rows: [["y".repeat(300)]], rowCount: 1 });
    expect(reply.results[19]).toEqual({ changes: 1, rowCount: 0, truncated: true, total: 1 });
    expect(reply.note).toContain(
      `${20 - first} rows are left out of this reply: all rows of statements ${first + 1}–20.`,
    );
  });

  it("calls a read's rows left out rows, not RETURNING rows", () => {
    const read = { ...returning(40, "r".repeat(100)), changes: 0 };
    const reply = fitTransactionReply([{ changes: 1 }, read], caps);
    expect(reply.note).toMatch(/^\d+ rows are left out of this reply: \d+ of 40 rows of statement 2\./);
    expect(reply.note).not.toMatch(/RETURNING/);
  });

  it("counts the rows left out of a statement cut partway", () => {
    const reply = fitTransactionReply([returning(100, "z".repeat(50))], caps);
    const shown = (reply.results[0]?.rows as unknown[] | undefined)?.length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(reply.results[0]).toMatchObject({ changes: 100, rowCount: shown, truncated: true, total: 100 });
    expect(reply.note).toContain(`${100 - shown} of 100 rows of statement 1`);
  });

  it("leaves out the last results when even the change counts do not fit, and says so", () => {
    const results = Array.from({ length: 100 }, (_, i) => ({ changes: 1, lastInsertRowid: i + 1 }));
    const reply = fitTransactionReply(results, { ...caps, maxBytes: 1000 });
    const kept = reply.results.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(100);
    expect(reply.results).toEqual(results.slice(0, kept));
    expect(reply.note).toContain(`The results of statements ${kept + 1}–100 are left out of this reply.`);
  });

  it("says the transaction was committed when a statement's rows were cut, even though the reply fits", () => {
    const cut = { ...returning(2, "r"), truncated: true as const, total: 50, note: "showing 2 of 50 rows (row cap 2)" };
    const reply = fitTransactionReply([{ changes: 1 }, cut], caps);
    expect(reply).toMatchObject({ results: [{ changes: 1 }, cut], truncated: true });
    expect(reply.note).toMatch(/48 of 50 rows of statement 2.*Every statement ran and the transaction was committed/);
  });

  it("names the row cap when a statement was cut by it", () => {
    const cut = {
      ...returning(3, "r".repeat(400)),
      truncated: true,
      total: 900,
      note: "showing 3 of 900 rows (row cap 3)",
    };
    const reply = fitTransactionReply([cut, cut, cut], caps);
    expect(reply.note).toMatch(/and its rows at 500 \(set by --max-rows N\)/);
  });
});
