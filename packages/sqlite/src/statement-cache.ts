import type Database from "better-sqlite3";

/** Most prepared statements kept per connection. */
const CACHE_SIZE = 64;

/** A small LRU of prepared statements for each connection. */
export class StatementCache {
  readonly #byDb = new WeakMap<Database.Database, Map<string, Database.Statement>>();

  /** Drop the statement kept for `sql` on `db`, if there is one. */
  forget(db: Database.Database, sql: string): void {
    this.#byDb.get(db)?.delete(sql);
  }

  /** The statement for `sql` on `db`, compiled once; prepare() errors (e.g. stacked statements) pass through. */
  prepare(db: Database.Database, sql: string): Database.Statement {
    let cache = this.#byDb.get(db);
    if (!cache) {
      cache = new Map();
      this.#byDb.set(db, cache);
    }
    const hit = cache.get(sql);
    if (hit) {
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const stmt = db.prepare(sql);
    cache.set(sql, stmt);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return stmt;
  }
}
