/**
 * What a statement would destroy, read from its compiled program (`EXPLAIN <sql>`), never from its text: comments,
 * quoting, CTEs and odd spacing cannot hide a drop from the engine's own plan. SQLite compiles every DROP to a
 * DropTable, DropIndex or DropTrigger step that names the object (next to the Destroy steps that free its pages;
 * DROP VIEW has no pages), and a DELETE without WHERE to Clear steps (its truncate optimisation) on the table's root
 * page. A DELETE that SQLite runs row by row instead (the table has DELETE triggers, foreign keys point at it, or it
 * has RETURNING) compiles to an ordinary loop and is not reported here: the README says so.
 */

/** One instruction of a program, as `EXPLAIN` lists it. */
export interface LossStep {
  opcode: string;
  p1: number;
  p2: number;
  p3: number;
  p4: unknown;
}

/** Something a statement would destroy; `db` is the schema's index (0 main, 1 temp, 2+ attached). */
export type Loss =
  | { kind: "drop-table"; db: number; name: string }
  | { kind: "drop-index"; db: number; name: string }
  | { kind: "drop-trigger"; db: number; name: string }
  | { kind: "clear"; db: number; rootPage: number };

const DROPS = { DropTable: "drop-table", DropIndex: "drop-index", DropTrigger: "drop-trigger" } as const;

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
  return losses;
}
