import type { EngineRequest } from "./engine-request.js";
import { type LockSubject, lockCodeOf, lockedMessage } from "./lock-message.js";
import { snippet } from "./sql-failure.js";

/**
 * A lock failure that no statement's message wrapped (reading the schema for list_tables, a resource or a prompt,
 * or the write tools' look at the list of tables first): the message lock-message.ts makes for every tool, naming
 * what the request would have done.
 */

/** What `request` would have done, as a lock failure's message names it. */
export function lockSubject(request: EngineRequest): LockSubject {
  switch (request.op) {
    case "query":
    case "write":
      return { what: "the statement did not run", statement: snippet(request.sql) };
    case "transaction":
      return { what: `the transaction did not run (none of its ${request.statements.length} statements)` };
    case "tables":
    case "names":
    case "version":
      return { what: "the list of tables could not be read" };
    case "schema":
      return { what: "the schema could not be read" };
    case "describe":
    case "table":
      return { what: `table ${JSON.stringify(snippet(request.table))} could not be read` };
  }
}

/**
 * When a lock stopped `error` (or one it wraps): its code, and the message for `request`, unless the error is already
 * one made for the model (`told`: a statement's, which names it, or a transaction's, which says where it stopped).
 */
export function lockFailure(
  error: unknown,
  request: EngineRequest,
  told: boolean,
): { message?: string; code: string } | undefined {
  const code = lockCodeOf(error);
  if (code === undefined) return undefined;
  return told ? { code } : { message: lockedMessage(code, lockSubject(request)), code };
}
