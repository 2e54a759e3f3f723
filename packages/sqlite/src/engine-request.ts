import type Database from "better-sqlite3";
import type { NameQuery } from "./catalog-list.js";
import type { StatementCache } from "./statement-cache.js";

// What the server asks the engine (engine.ts) to do and what it answers, as plain JSON that can cross the process
// boundary; and the connections and limits a request runs on.

/** The connections a request runs on: a writer (absent when read-only) and a read-only reader. */
export interface Connections {
  writer: Database.Database | undefined;
  /** Opened read-only with PRAGMA query_only; the same handle as `writer` for an in-memory database. */
  reader: Database.Database;
  /** True when reader and writer are one handle, so query_only is switched on around each query. */
  shared: boolean;
  /** Prepared statements by connection and SQL text, so a repeated statement skips compiling. */
  statements: StatementCache;
  /** Open a fresh reader like the first (absent when shared): a PRAGMA's settings are dropped with the old one. */
  reopenReader?: () => Database.Database;
}

/** Per-request limits, set by the server. */
export interface Limits {
  maxRows: number;
  /** Cap on the JSON text of the reply. */
  maxBytes: number;
  allowAttach: boolean;
  /** The server offers no write tools: the policy refuses what only they take, saying so. */
  readOnly?: boolean;
  /** How long to keep counting rows past the cap to report the total. */
  countMs: number;
  /** How messages name the attach and time-limit settings (the bin's flags, or library options). */
  allowAttachSetting?: string;
  timeoutSetting?: string;
  /** How messages name the reply and row caps. */
  maxBytesSetting?: string;
  maxRowsSetting?: string;
  /** How messages name the executor's memory limit. */
  memorySetting?: string;
}

/** One statement and its parameters. */
export interface SqlStatement {
  sql: string;
  params?: unknown;
}

/**
 * For the write tools under `confirm: destructive`: what the user accepted to lose. A statement that would destroy
 * anything else stops the request (ConfirmationNeeded), with nothing changed.
 */
export interface Guard {
  accepted: string[];
}

/** What the server asks the engine to do. */
export type EngineRequest =
  | ({ op: "query" } & SqlStatement & { limits: Limits })
  | ({ op: "write" } & SqlStatement & { limits: Limits; guard?: Guard })
  | { op: "transaction"; statements: SqlStatement[]; limits: Limits; guard?: Guard }
  | { op: "tables" | "schema" | "version"; limits: Limits }
  | ({ op: "names"; limits: Limits } & NameQuery)
  | { op: "table"; table: string; limits: Limits }
  | { op: "describe"; table: string; limits: Limits };

/**
 * One statement of a transaction, for its span: when it began, in ms before the reply was made (so the time survives
 * the trip out of the executor process, whose clock is its own), how long it ran, and how it failed, if it did.
 */
export interface StatementTiming {
  agoMs: number;
  ms: number;
  /** A low-cardinality error type: SQLite's code (`SQLITE_CONSTRAINT_NOTNULL`) or the refusal's cause. */
  errorType?: string;
}

/**
 * The engine's answer: a JSON object, or a message the model can act on, marked when SQLite ran out of memory (the
 * executor then names its limit) and with SQLite's code when it gave one (a lock's among them). A transaction's reply
 * says when each statement that began ran, failed or not.
 */
export type EngineReply = (
  | { ok: true; value: Record<string, unknown> }
  | {
      ok: false;
      error: string;
      outOfMemory?: true;
      confirm?: string[];
      refusal?: string;
      /** SQLite's code of the failure (a lock's, `SQLITE_BUSY`; any other, `SQLITE_ERROR`), for reads and spans. */
      code?: string;
    }
) & { statements?: StatementTiming[] };

/** A time limit checked between rows: `at` on the performance.now() clock, `ms` for the message. */
export interface Deadline {
  at: number;
  ms: number;
  /** How the message names the time limit. */
  setting?: string;
}

/** A transaction's statement as it runs, on this process's performance clock. */
export interface Step {
  start: number;
  end?: number;
  errorType?: string;
}
