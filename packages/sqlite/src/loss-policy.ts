/**
 * What a statement would destroy, read from its compiled program (`EXPLAIN <sql>`), never from its text: comments,
 * quoting, CTEs and odd spacing cannot hide a drop from the engine's own plan. SQLite compiles every DROP to a
 * DropTable, DropIndex or DropTrigger step that names the object (next to the Destroy steps that free its pages;
 * DROP VIEW has no pages), and a DELETE without WHERE to Clear steps on the table's root page (its truncate
 * optimisation) — or, when the table has DELETE triggers, foreign keys point at it or the statement has RETURNING,
 * to a row-by-row delete whose first loop visits every row unconditionally. That loop is recognised by its shape:
 * nothing that can jump before it (so no constant WHERE skips it), nothing in it that can skip a row. An INSERT OR
 * REPLACE into a rowid table is known by a key check that goes on, on a conflict, to delete or overwrite the old row.
 */
/** One instruction of a program, as `EXPLAIN` lists it. */
export interface LossStep {
  addr: number;
  opcode: string;
  p1: number;
  p2: number;
  p3: number;
  p4: unknown;
  /** Flags; absent in hand-written programs, read as 0. */
  p5?: number;
}

/** Something a statement would destroy; `db` is the schema's index (0 main, 1 temp, 2+ attached). */
export type Loss =
  | { kind: "drop-table"; db: number; name: string }
  | { kind: "drop-index"; db: number; name: string }
  | { kind: "drop-trigger"; db: number; name: string }
  | { kind: "clear"; db: number; rootPage: number }
  | { kind: "replace"; db: number; rootPage: number };

const DROPS = { DropTable: "drop-table", DropIndex: "drop-index", DropTrigger: "drop-trigger" } as const;

// What may come before the row-by-row delete's first loop, and be in it, without making it conditional.
const PRELUDE = new Set(["Null", "OpenRead", "OpenWrite", "OpenEphemeral"]);
const UNCONDITIONAL_BODY = new Set([
  "Rowid",
  "RowSetAdd",
  "Column",
  "Copy",
  "SCopy",
  "MakeRecord",
  "IdxInsert",
  "Once",
  "OpenWrite",
  "IdxDelete",
  "Delete",
]);

/**
 * The table a row-by-row DELETE would empty: its program starts (after Init) with nothing but cursor opens, then a
 * Rewind…Next loop over a table's own cursor with no step in it that can skip a row, and deletes (counting the
 * changes) from that same table. It is given the main program only: subprograms (triggers) are not looked at.
 */
function unconditionalDelete(main: readonly LossStep[]): Loss | undefined {
  const rewind = main.findIndex((step) => step.opcode === "Rewind");
  if (rewind < 1 || !main.slice(1, rewind).every((step) => PRELUDE.has(step.opcode))) return undefined;
  const cursor = (main[rewind] as LossStep).p1;
  const loopStart = (main[rewind] as LossStep).addr + 1;
  const next = main.findIndex((step, i) => i > rewind && step.opcode === "Next" && step.p1 === cursor);
  if (next < 0 || (main[next] as LossStep).p2 !== loopStart) return undefined;
  if (!main.slice(rewind + 1, next).every((step) => UNCONDITIONAL_BODY.has(step.opcode))) return undefined;
  // What cursor c is open on at step `at`: the last open of it before there (a cursor is reopened for writing).
  const openAt = (c: number, at: number) =>
    main.findLast((step, i) => i < at && (step.opcode === "OpenRead" || step.opcode === "OpenWrite") && step.p1 === c);
  const scanned = openAt(cursor, rewind);
  if (!scanned) return undefined;
  const deletes = main.some((step, i) => {
    if (step.opcode !== "Delete" || (step.p2 & 1) === 0) return false;
    const target = openAt(step.p1, i);
    return target?.opcode === "OpenWrite" && target.p2 === scanned.p2 && target.p3 === scanned.p3;
  });
  return deletes ? { kind: "clear", db: scanned.p3, rootPage: scanned.p2 } : undefined;
}

/** Insert's P5 flag that sets last_insert_rowid(): set by an INSERT's row, never by an UPDATE's (or an upsert's). */
const LASTROWID = 0x20;

/** Whether `step` writes a row an INSERT (or REPLACE) inserts, setting last_insert_rowid(): an Insert with LASTROWID. */
export function insertsRow(step: LossStep): boolean {
  return step.opcode === "Insert" && ((step.p5 ?? 0) & LASTROWID) !== 0;
}
/**
 * Whether a program that inserts `row` also writes that table without LASTROWID: an upsert's DO UPDATE. Inserts
 * into scratch tables (no name) do not count.
 */
export function updatesTableOf(program: readonly LossStep[], row: LossStep): boolean {
  return program.some((s) => s.opcode === "Insert" && s.p4 === row.p4 && !insertsRow(s));
}

/** What a uniqueness check falls through to when a conflict stops the statement or skips the row. */
const ON_CONFLICT_STOP = new Set(["Halt", "Goto"]);

/**
 * The table an INSERT OR REPLACE (REPLACE INTO) would overwrite rows of, when a new row shares a key with one there:
 * the main program inserts rows (Insert with LASTROWID) and does not update the table, and a key check on it
 * (NotExists on the table's cursor, or NoConflict on one of its unique indexes) falls through, on a conflict, to
 * going on (deleting the old row, or writing over it) rather than halting (ABORT, FAIL, ROLLBACK) or skipping the
 * row (IGNORE, DO NOTHING). An upsert's DO UPDATE writes with an Insert without LASTROWID, so is not one.
 */
function replacingInsert(main: readonly LossStep[]): Loss | undefined {
  const row = main.find(insertsRow);
  if (!row) return undefined;
  if (updatesTableOf(main, row)) return undefined;
  const goesOn = (i: number) => {
    const next = main[i + 1];
    return next !== undefined && !ON_CONFLICT_STOP.has(next.opcode);
  };
  const replaces = main.some(
    (step, i) => ((step.opcode === "NotExists" && step.p1 === row.p1) || step.opcode === "NoConflict") && goesOn(i),
  );
  if (!replaces) return undefined;
  const open = main.findLast((step) => step.opcode === "OpenWrite" && step.p1 === row.p1 && step.addr < row.addr);
  return open ? { kind: "replace", db: open.p3, rootPage: open.p2 } : undefined;
}

/** The main program: the steps before the first subprogram (a trigger's), which restarts the numbering. */
export function mainProgram(program: readonly LossStep[]): LossStep[] {
  const main: LossStep[] = [];
  for (const step of program) {
    if (main.length > 0 && step.addr <= (main.at(-1) as LossStep).addr) break;
    main.push(step);
  }
  return main;
}

/**
 * The losses in a program, in program order, each once. Clear steps on a table's indexes come with the one on its
 * table (P3 != 0 counts the deleted rows: the table's own step), so only those are kept.
 */
export function lossesOf(program: readonly LossStep[]): Loss[] {
  const losses: Loss[] = [];
  const seen = new Set<string>();
  const add = (loss: Loss) => {
    const key = JSON.stringify(loss);
    if (!seen.has(key)) {
      seen.add(key);
      losses.push(loss);
    }
  };
  for (const step of program) {
    if (step.opcode in DROPS && typeof step.p4 === "string") {
      add({ kind: DROPS[step.opcode as keyof typeof DROPS], db: step.p1, name: step.p4 });
    } else if (step.opcode === "Clear" && step.p3 !== 0) {
      add({ kind: "clear", db: step.p2, rootPage: step.p1 });
    }
  }
  const main = mainProgram(program);
  const rowByRow = unconditionalDelete(main);
  if (rowByRow) add(rowByRow);
  const replace = replacingInsert(main);
  if (replace) add(replace);
  return losses;
}
