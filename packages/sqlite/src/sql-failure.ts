// The messages for SQLite's errors, which quote the statement and say what to try.
import { type HintContext, hintFor } from "./error-hints.js";
import { isLockCode, lockedMessage } from "./lock-message.js";
import type { SqlTool } from "./sql-policy.js";
import { errorChain } from "./sqlite-code.js";
import { ToolError } from "./tool-error.js";

/** A SQLite (or binding) error as a message naming the statement and what to try, of what the server `offers`. */
export function sqlFailure(error: unknown, sql: string, offers: HintContext, tool?: SqlTool): ToolError {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes("more than one statement")) {
    const instead =
      tool === "transaction"
        ? "give each statement its own entry in statements"
        : offers.readOnly
          ? "send one statement per call"
          : "send one statement per call (execute_transaction runs several atomically)";
    return new ToolError(`sql holds more than one statement, so nothing ran; ${instead}. Statement: ${snippet(sql)}`);
  }
  if (message.includes("contains no statements")) return new ToolError("sql is empty: it holds no statement");
  const found = (error as { code?: unknown }).code;
  if (isLockCode(found)) {
    return new ToolError(lockedMessage(found, { what: "the statement did not run", statement: snippet(sql) }), {
      cause: error,
    });
  }
  const code = typeof found === "string" ? found : undefined;
  const hint = hintFor(code, message, offers, sql);
  return new ToolError(`${message}${code ? ` [${code}]` : ""}. Statement: ${snippet(sql)}${hint}`, { cause: error });
}

/**
 * Did SQLite run out of memory for this error, or for one it wraps? SQLite says SQLITE_NOMEM; better-sqlite3, when
 * binding a value SQLite has no memory to copy, throws a plain Error("Out of memory") with no code.
 */
export function isOutOfMemory(error: unknown): boolean {
  for (const e of errorChain(error)) {
    const code = (e as { code?: unknown }).code;
    if (code === "SQLITE_NOMEM" || (code === undefined && e.message === "Out of memory")) return true;
  }
  return false;
}

/** The statement as quoted in messages: at most 300 characters. */
export function snippet(sql: string): string {
  const flat = sql.trim().replace(/\s+/g, " ");
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
