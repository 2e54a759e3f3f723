import { stat } from "node:fs/promises";
import { type Audience, type Logger, silentLogger } from "@mcp-toolkit/core";
import type { Limits } from "./engine-request.js";
import type { SqliteExecutor } from "./executor.js";

/** Most tables and views the resource list shows (core pages them); the rest are still readable by name. */
export const MAX_LISTED_TABLES = 1000;

/**
 * How often, while a client could be told of a change, the schema cookie is read for changes made by other
 * connections (another server, a migration tool, the sqlite3 shell): 2 s keeps a client's list fresh about as fast as
 * a person switches windows. A tick first compares the database file and its WAL (size, time, inode) with the last
 * tick's, and asks the executor (one PRAGMA) only when they moved: asking it every tick cost it 50 ms of CPU a minute
 * idle.
 */
export const SCHEMA_POLL_MS = 2000;

/**
 * Tells listeners when the list of tables and views changes: checked after each call of a write tool of any server
 * sharing this executor, and every SCHEMA_POLL_MS while a client could be told (no timer runs while none could).
 * SQLite's schema cookie first (one cheap PRAGMA), the names only when it moved, so a CREATE INDEX, which changes the
 * cookie but not the list, stays quiet. Checks run one after another against what was last seen, so each change is
 * told once, whichever check sees it.
 */
export class SchemaWatch {
  readonly #listeners = new Set<() => void>();
  #known: Promise<{ version: number; names: string }> | undefined;
  #poll: { audience: Audience; everyMs: number; unwatch: () => void } | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The list was first noted (a listing or a write): a client may hold it, and changes to it are worth telling. */
  #noted = false;
  #checking = false;
  #stopped = false;

  #fileStamp: string | undefined;

  /**
   * `file`: the database file, when there is one on disk to look at before asking the executor. `logger` hears (at
   * debug) when the poll starts and stops.
   */
  constructor(
    private readonly executor: SqliteExecutor,
    private readonly limits: Limits,
    private readonly file?: string,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** The poll's timer is armed: the list was noted and a client could be told of a change now. */
  get polling(): boolean {
    return this.#timer !== undefined;
  }

  subscribe(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** Note the list as it is, once, before the first write or listing (so the first change can be seen); polls from then. */
  async before(): Promise<void> {
    this.#noted = true;
    this.#arm();
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

  /**
   * While `audience` is listening, look every `everyMs` for a change made elsewhere, from the time the list is first
   * noted (a client that never read it has nothing stale; and no timer runs while a startup snapshot is made). The
   * timer runs only then: it is cleared when the audience turns away and armed again when it returns. A tick asks
   * only an executor that is running (it never starts one: a database that cannot be opened is not retried every
   * tick), skips while the last check is unanswered, and the timer does not keep the program alive.
   */
  poll(audience: Audience, everyMs = SCHEMA_POLL_MS): void {
    this.#poll?.unwatch();
    this.#poll = { audience, everyMs, unwatch: audience.onChange(() => this.#arm()) };
    this.#arm();
  }

  /** Stop polling for good. */
  stop(): void {
    this.#stopped = true;
    this.#poll?.unwatch();
    this.#arm();
  }

  /** Arm the timer while the list is noted and a client could be told; clear it otherwise. */
  #arm(): void {
    const poll = this.#poll;
    if (!poll || !this.#noted || this.#stopped || !poll.audience.listening()) {
      if (this.#timer === undefined) return;
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.logger.debug("schema poll: off (no client can be told of a change)");
      return;
    }
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), poll.everyMs);
    this.#timer.unref();
    this.logger.debug(`schema poll: on, every ${poll.everyMs} ms (a client can be told of a change)`);
  }

  #tick(): void {
    if (this.#checking) return;
    // An audience that turned away unannounced: stop until it says it is back.
    if (!this.#poll?.audience.listening()) {
      this.#arm();
      return;
    }
    if (this.executor.running === false) return;
    this.#checking = true;
    // Stamped before the check, so a change made during it moves the next stamp.
    const check = async () => {
      const stamp = this.file === undefined ? undefined : await fileStamp(this.file);
      if (stamp !== undefined && stamp === this.#fileStamp && this.#known) return;
      await (this.#known ? this.after() : this.before());
      this.#fileStamp = stamp;
    };
    // A failed check (the executor restarting, the file locked) is tried again at the next tick.
    void check()
      .catch(() => {})
      .finally(() => (this.#checking = false));
  }

  async #read(version?: number): Promise<{ version: number; names: string }> {
    const v =
      version ?? ((await this.executor.run({ op: "version", limits: this.limits })) as { version: number }).version;
    const { tables } = await this.executor.run({ op: "names", limit: MAX_LISTED_TABLES, limits: this.limits });
    return { version: v, names: JSON.stringify(tables) };
  }
}

/**
 * What a commit by any connection changes: the WAL's size or time (WAL mode) or the file's (a rollback journal), with
 * the inodes, for a file replaced under the same name. A file that does not exist (":memory:") stamps as "-".
 */
async function fileStamp(file: string): Promise<string> {
  const stamps = [file, `${file}-wal`].map((f) =>
    stat(f).then(
      (s) => `${s.ino}:${s.size}:${s.mtimeMs}`,
      () => "-",
    ),
  );
  return (await Promise.all(stamps)).join(" ");
}
