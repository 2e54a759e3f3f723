import type { Limits } from "./engine.js";
import type { SqliteExecutor } from "./executor.js";

/** Most tables and views the resource list shows (core pages them); the rest are still readable by name. */
export const MAX_LISTED_TABLES = 1000;

/**
 * Tells listeners when the list of tables and views changes, checked after each call of a write tool of any server
 * sharing this executor: SQLite's schema cookie first (one cheap PRAGMA), the names only when it moved, so a
 * CREATE INDEX, which changes the cookie but not the list, stays quiet.
 */
export class SchemaWatch {
  readonly #listeners = new Set<() => void>();
  #known: Promise<{ version: number; names: string }> | undefined;

  constructor(
    private readonly executor: SqliteExecutor,
    private readonly limits: Limits,
  ) {}

  subscribe(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** Note the list as it is, once, before the first write (so the first change can be seen). */
  async before(): Promise<void> {
    this.#known ??= this.#read().catch((error) => {
      this.#known = undefined;
      throw error;
    });
    await this.#known;
  }

  /** After a write: tell the listeners if the list changed. Checks run one after another. */
  async after(): Promise<void> {
    const previous = this.#known;
    if (!previous) return;
    const next = previous.then(async (known) => {
      const { version } = (await this.executor.run({ op: "version", limits: this.limits })) as { version: number };
      if (version === known.version) return known;
      const now = await this.#read(version);
      if (now.names !== known.names) for (const listener of this.#listeners) listener();
      return now;
    });
    // A failed check (the executor restarting) keeps what was known; the next write checks again.
    this.#known = next.catch(() => previous);
    await this.#known;
  }

  async #read(version?: number): Promise<{ version: number; names: string }> {
    const v =
      version ?? ((await this.executor.run({ op: "version", limits: this.limits })) as { version: number }).version;
    const { tables } = await this.executor.run({ op: "names", limit: MAX_LISTED_TABLES, limits: this.limits });
    return { version: v, names: JSON.stringify(tables) };
  }
}
