/**
 * Settings of the connection that a PRAGMA changes: the writer is kept and shared by every call and client, so a value
 * set there held for everyone until the executor's next restart silently reset it (`ignore_check_constraints = ON`
 * let every later insert break a CHECK constraint, `foreign_keys = OFF` stopped every later key check). A call may
 * change one only for itself: execute_transaction applies it to the statements after it and puts the server's value
 * back when it ends (settings-restore.ts); execute_write and execute_query, where it would hold for nothing, refuse
 * it. A few are refused everywhere. Judged by name before prepare(), since SQLite applies most as it compiles them.
 */
import type { Verdict } from "@mcp-toolkit/core";
import { READ_ONLY_OFFER, type SqlTool } from "./sql-policy.js";
import { settingPragma } from "./sql-shape.js";

/**
 * Connection settings a call may set for itself (in execute_transaction). connection-settings.test.ts sets every
 * pragma SQLite lists and checks that each one that holds on its own connection only is here or refused elsewhere.
 */
export const CALL_SCOPED_PRAGMAS: ReadonlySet<string> = new Set([
  "analysis_limit",
  "automatic_index",
  "cache_size",
  "cache_spill",
  "case_sensitive_like",
  "cell_size_check",
  "checkpoint_fullfsync",
  "count_changes",
  "defer_foreign_keys",
  "empty_result_callbacks",
  "full_column_names",
  "fullfsync",
  "ignore_check_constraints",
  "journal_size_limit",
  "legacy_alter_table",
  "mmap_size",
  "read_uncommitted",
  "recursive_triggers",
  "reverse_unordered_selects",
  "secure_delete",
  "short_column_names",
  "temp_store",
  "threads",
  "trusted_schema",
  "wal_autocheckpoint",
]);

/** Connection settings no tool sets, each with why and what to do instead. */
export const REFUSED_SETTINGS: ReadonlyMap<string, string> = new Map([
  [
    "synchronous",
    "PRAGMA synchronous decides how durable every client's commits are, and SQLite takes it only outside a transaction, so no call sets it; PRAGMA synchronous alone reads it (execute_query)",
  ],
  [
    "schema_version",
    "this server's connections run in SQLite's defensive mode, where PRAGMA schema_version cannot be set (SQLite would ignore the value and report success); PRAGMA schema_version alone reads it (execute_query); to number your own schema changes, set PRAGMA user_version in execute_write",
  ],
  [
    "writable_schema",
    "this server's connections run in SQLite's defensive mode, where writable_schema stays off and sqlite_schema cannot be edited; change the schema with ALTER TABLE, or rebuild a table (create, copy, DROP TABLE, rename) in execute_transaction",
  ],
]);

/**
 * May `tool` run `sql`, as far as connection settings go? A PRAGMA of CALL_SCOPED_PRAGMAS or foreign_keys with a value
 * only in execute_transaction (foreign-keys.ts places foreign_keys there), one of REFUSED_SETTINGS nowhere. A
 * `readOnly` server, which offers no execute_transaction, takes none, and its refusal names only what it offers.
 */
export function settingVerdict(tool: SqlTool, sql: string, readOnly = false): Verdict {
  const name = settingPragma(sql)?.name;
  if (name === undefined) return { ok: true };
  const setting = name === "foreign_keys" || CALL_SCOPED_PRAGMAS.has(name) || REFUSED_SETTINGS.has(name);
  if (readOnly && setting) {
    return {
      ok: false,
      reason: `PRAGMA ${name} is a setting of the connection this server shares among every call and client, so no call sets it, and this server is read-only: ${READ_ONLY_OFFER}; PRAGMA ${name} alone reads it`,
    };
  }
  const refused = REFUSED_SETTINGS.get(name);
  if (refused) return { ok: false, reason: refused };
  if (tool === "transaction") return { ok: true };
  if (name === "foreign_keys") {
    return {
      ok: false,
      reason:
        "PRAGMA foreign_keys is a setting of the connection this server shares among every call and client, so one call may not change it for the others; send it as the first statement of execute_transaction, which applies it to that transaction only, checks the keys before the commit and puts the setting back; PRAGMA foreign_keys alone reads it (execute_query)",
    };
  }
  if (!CALL_SCOPED_PRAGMAS.has(name)) return { ok: true };
  return {
    ok: false,
    reason: `PRAGMA ${name} is a setting of the connection this server shares among every call and client, so a call may change it only for itself: execute_transaction applies it to the statements after it and puts the server's value back when it ends. Send it there, ahead of the statements it should apply to; PRAGMA ${name} alone reads it (execute_query)`,
  };
}

/** A setting a call changes: its name, and the schema it was set on, if one was named. */
export interface SettingRef {
  name: string;
  schema?: string;
}

/** The CALL_SCOPED_PRAGMAS that `sqls` set, each schema and name once, for settings-restore.ts to put back. */
export function settingsSetBy(sqls: readonly string[]): SettingRef[] {
  const found = new Map<string, SettingRef>();
  for (const sql of sqls) {
    const pragma = settingPragma(sql);
    if (!pragma || !CALL_SCOPED_PRAGMAS.has(pragma.name)) continue;
    const ref = pragma.schema === undefined ? { name: pragma.name } : { name: pragma.name, schema: pragma.schema };
    found.set(JSON.stringify([ref.schema, ref.name]), ref);
  }
  return [...found.values()];
}
