/**
 * execute_transaction's reply, fitted to the response cap once every statement has run and been committed: what
 * does not fit is left out of the reply (never out of the transaction), and one note says what and why.
 */

import { jsonSize as size } from "./reply-cap.js";

/** One statement's result as the engine made it: changes, and RETURNING rows if it had any. */
export type StatementResult = Record<string, unknown> & { rows?: unknown[][]; total?: number };

export interface TransactionReply {
  results: Record<string, unknown>[];
  truncated?: true;
  note?: string;
}

/** How the note names the caps. */
export interface ReplyCaps {
  maxBytes: number;
  maxBytesSetting?: string | undefined;
  maxRows: number;
  maxRowsSetting?: string | undefined;
}

/** Bytes kept for the note at first; a longer note is made room for on a second try. */
const NOTE_ROOM = 400;

/** The reply within `caps.maxBytes` of JSON: the results in full when they fit, else first rows, then first results. */
export function fitTransactionReply(results: StatementResult[], caps: ReplyCaps): TransactionReply {
  const whole = { results };
  if (size(whole) <= caps.maxBytes) {
    // Rows a statement's own caps cut are named too, with the word that the transaction is committed.
    if (!results.some((result) => result.truncated)) return whole;
    const cut = { ...whole, truncated: true as const, note: noteFor(results, results, caps) };
    if (size(cut) <= caps.maxBytes) return cut;
  }
  let noteRoom = NOTE_ROOM;
  for (;;) {
    const shown = fit(results, caps.maxBytes - noteRoom);
    const reply = { results: shown, truncated: true as const, note: noteFor(results, shown, caps) };
    const over = size(reply) - caps.maxBytes;
    if (over <= 0 || shown.length === 0) return reply;
    noteRoom += over;
  }
}

/** The results within `limit` bytes (less the note): every change count first, then rows in order while they fit. */
function fit(results: StatementResult[], limit: number): Record<string, unknown>[] {
  // Every result without its rows first, so each statement's change count is shown before any statement's rows.
  const bare = results.map(withoutRows);
  let used = size({ results: bare, truncated: true });
  let kept = bare.length;
  for (; kept > 0 && used > limit; kept--) used -= size(bare[kept - 1]) + 1;
  const shown = bare.slice(0, kept);
  let full = true;
  for (let i = 0; i < kept && full; i++) {
    const rows = results[i]?.rows;
    if (!rows) continue;
    const result = results[i] as StatementResult;
    const withColumns: Record<string, unknown> & { rows: unknown[][] } = {
      ...shown[i],
      columns: result.columns,
      rows: [],
    };
    let cost = size(withColumns) - size(shown[i]);
    if (used + cost > limit) break;
    for (const row of rows) {
      const rowCost = size(row) + (withColumns.rows.length > 0 ? 1 : 0);
      if (used + cost + rowCost > limit) {
        full = false;
        break;
      }
      withColumns.rows.push(row);
      cost += rowCost;
    }
    used += cost;
    const whole = full && result.truncated !== true;
    const { truncated: _t, total: _n, ...untruncated } = withColumns;
    shown[i] = { ...(whole ? untruncated : withColumns), rowCount: withColumns.rows.length };
  }
  return shown;
}

/** A result with its rows left out: the count of rows it returned stays, as `total`. */
function withoutRows(result: StatementResult): Record<string, unknown> {
  const { columns: _c, rows, rowCount: _r, truncated: _t, total, totalIsLowerBound, note: _n, ...rest } = result;
  if (!rows) return rest;
  return {
    ...rest,
    rowCount: 0,
    truncated: true,
    total: total ?? rows.length,
    ...(totalIsLowerBound ? { totalIsLowerBound } : {}),
  };
}

/** Which statements' rows (or results) were left out, how many, and what caps the reply. */
function noteFor(results: StatementResult[], shown: Record<string, unknown>[], caps: ReplyCaps): string {
  const parts: string[] = [];
  let rowsLeft = 0;
  const noRows: number[] = [];
  results.forEach((result, i) => {
    if (!result.rows || i >= shown.length) return;
    const total = result.total ?? result.rows.length;
    const showing = (shown[i]?.rows as unknown[] | undefined)?.length ?? 0;
    if (showing >= total) return;
    rowsLeft += total - showing;
    if (showing > 0) parts.push(`${total - showing} of ${total} rows of statement ${i + 1}`);
    else noRows.push(i + 1);
  });
  if (parts.length > 3) parts.splice(3, parts.length, `some of ${parts.length - 3} more statements`);
  if (noRows.length > 0) parts.push(`all rows of ${statementList(noRows)}`);
  const sentences = [];
  // Rows of a SELECT in the transaction count here too: "RETURNING rows" would misname them.
  if (rowsLeft > 0) sentences.push(`${rowsLeft} rows are left out of this reply: ${parts.join(", ")}.`);
  if (shown.length < results.length) {
    sentences.push(
      `The results of ${statementList(range(shown.length + 1, results.length))} are left out of this reply.`,
    );
  }
  const bytes = caps.maxBytesSetting
    ? `${caps.maxBytes} bytes (set by ${caps.maxBytesSetting})`
    : `${caps.maxBytes} bytes`;
  const rowCapped = results.some((r) => typeof r.note === "string" && r.note.includes("row cap"));
  const rows = caps.maxRowsSetting ? `${caps.maxRows} (set by ${caps.maxRowsSetting})` : `${caps.maxRows}`;
  const rowCap = rowCapped ? `, and its rows at ${rows}` : "";
  sentences.push(
    `Every statement ran and the transaction was committed; the reply is capped at ${bytes}${rowCap}. Read the rows back with execute_query, or return fewer or shorter columns.`,
  );
  return sentences.join(" ");
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** "statement 3", "statements 3–7, 9", kept short. */
function statementList(numbers: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === (numbers[j] as number) + 1) j++;
    runs.push(i === j ? `${numbers[i]}` : `${numbers[i]}–${numbers[j]}`);
    i = j + 1;
  }
  const shown = runs.length > 8 ? [...runs.slice(0, 8), `${runs.length - 8} more runs`] : runs;
  return `${numbers.length === 1 ? "statement" : "statements"} ${shown.join(", ")}`;
}
