import type Database from "better-sqlite3";
import { attachedOf, type DatabaseEntry } from "./attachments.js";
import { runRequest } from "./engine.js";
import type { Connections, EngineRequest, StatementTiming } from "./engine-request.js";
import { ConfirmationNeeded } from "./losses.js";
import { StatementCache } from "./statement-cache.js";
import { quoteIdentifier } from "./table-name.js";

/**
 * The error a failed reply becomes; a refusal carries its cause word, which core counts refusals by, and another
 * failure SQLite's code when it gave one: a lock's (lock-message.ts `lockCodeOf`), or any other, for the span.
 */
export function replyError(reply: { error: string; refusal?: string; code?: string }): Error {
  if (reply.refusal) return refusalError(reply.error, reply.refusal);
  return reply.code ? Object.assign(new Error(reply.error), { code: reply.code }) : new Error(reply.error);
}

/** An error that core counts as a refusal for `cause` (`sql_policy`, `size`, `timeout`). */
export function refusalError(message: string, cause: string): Error {
  return Object.assign(new Error(message), { refusal: cause });
}

/** Told when each statement of a transaction ran, as the reply arrives (its spans are made from this). */
export type StatementObserver = (statements: StatementTiming[]) => void;

/** Runs engine requests against one database. Shared by every server built on it; closed by its owner. */
export interface SqliteExecutor {
  readonly readOnly: boolean;
  readonly timeoutMs: number;
  /**
   * False while no process is up to answer (not started yet, failed to start, closed): background work then waits
   * instead of starting one. Absent means always able to answer.
   */
  readonly running?: boolean;
  /**
   * Resolve with the engine's JSON answer, or reject with a message meant for the model (a ConfirmationNeeded when
   * a guarded write would destroy what the user has not accepted). A transaction's statements are told to `observe`
   * first, whether it succeeded or not. `started` is told when the request starts to run, after any wait behind
   * others.
   */
  run(
    request: EngineRequest,
    signal?: AbortSignal,
    observe?: StatementObserver,
    started?: () => void,
  ): Promise<Record<string, unknown>>;
  /** Start any background process now, so the first call does not wait for it. */
  warm(): void;
  close(): Promise<void>;
}

/**
 * Runs requests in this process on a caller's own better-sqlite3 handle. SQLite cannot be interrupted
 * from JavaScript, so the time limit is checked between rows only: a single step that never returns
 * (count(*) over an endless CTE) cannot be stopped. Nor is memory bounded: this process is the caller's.
 * Pass a path instead to get the killable, memory-bounded child process. The databases the handle has attached when the
 * executor is made are attached to its read-only reader too, read-only, so execute_query reads what execute_write
 * writes; one attached later, or in memory, is not.
 */
export class InlineExecutor implements SqliteExecutor {
  readonly readOnly: boolean;
  readonly timeoutMs: number;
  readonly #conns: Connections;
  readonly #ownReader: boolean;

  constructor(db: Database.Database, options: { readOnly: boolean; timeoutMs: number; busyTimeoutMs: number }) {
    this.readOnly = options.readOnly || db.readonly;
    this.timeoutMs = options.timeoutMs;
    const writer = this.readOnly ? undefined : db;
    if (db.memory) {
      this.#conns = { writer, reader: db, shared: true, statements: new StatementCache() };
      this.#ownReader = false;
    } else {
      // The handle's own class opens the second, read-only connection, so this module never loads the addon.
      const Open = db.constructor as typeof Database;
      const attached = attachedOf(db.pragma("database_list") as DatabaseEntry[]).filter(({ file }) => file !== "");
      const openReader = () => {
        const reader = new Open(db.name, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs });
        // A read-only connection attaches read-only: the reader still cannot write.
        for (const { name, file } of attached) reader.prepare(`ATTACH ? AS ${quoteIdentifier(name)}`).run(file);
        reader.pragma("query_only = 1");
        return reader;
      };
      const reader = openReader();
      this.#conns = { writer, reader, shared: false, statements: new StatementCache(), reopenReader: openReader };
      this.#ownReader = true;
    }
  }

  warm(): void {}

  async run(
    request: EngineRequest,
    _signal?: AbortSignal,
    observe?: StatementObserver,
    started?: () => void,
  ): Promise<Record<string, unknown>> {
    started?.();
    const reply = runRequest(this.#conns, request, {
      at: performance.now() + this.timeoutMs,
      ms: this.timeoutMs,
      ...(request.limits.timeoutSetting ? { setting: request.limits.timeoutSetting } : {}),
    });
    if (reply.statements) observe?.(reply.statements);
    if (!reply.ok) throw reply.confirm ? new ConfirmationNeeded(reply.confirm) : replyError(reply);
    return reply.value;
  }

  async close(): Promise<void> {
    if (this.#ownReader) this.#conns.reader.close();
  }
}
