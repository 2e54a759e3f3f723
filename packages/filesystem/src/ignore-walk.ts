// Reads the ignore files a walk meets (ignore-rules.ts decides what they ignore): in each folder it walks, and in
// the folders between the sandbox root and its start, never above a root.
import { closeSync } from "node:fs";
import path from "node:path";
import type { Budget } from "./budget.js";
import { atFileLimit } from "./errors.js";
import {
  aboveScope,
  folderScope,
  IGNORE_FILES,
  type IgnoreFactory,
  type IgnoreScope,
  isIgnored,
  ownVerdict,
} from "./ignore-rules.js";
import { readListedFile } from "./listed-file.js";
import { rootOf } from "./path-policy.js";
import type { Sandbox } from "./sandbox.js";
import type { Opened } from "./sandbox-paths.js";

/** Bytes an ignore file may have; a larger one (no real one is) is not read. */
export const MAX_IGNORE_FILE_BYTES = 64 * 1024;

/** How many entries ignore rules kept a walk from, and the first. */
export type Passed = { count: number; first?: string };

/** A walk's ignore files: the scope each folder adds, and whether an entry is ignored (counted in `passed`). */
export class IgnoreWalk {
  private readonly scratch = { buf: Buffer.allocUnsafe(4096) };

  constructor(
    private readonly sandbox: Sandbox,
    /** The path the walk was asked for, as errors name it. */
    private readonly input: string,
    private readonly make: IgnoreFactory,
    /** Where ignored entries are counted; none for a walk that repeats one already counted. */
    readonly passed: Passed = { count: 0 },
  ) {}

  /**
   * The scope of the rules above the walk's start `dir`, read in each folder from its root down. Empty when the start
   * is itself ignored by them: a folder asked for by name is searched, as ripgrep searches a path it is given.
   * A start may be hundreds of folders deep, each with an ignore file whose rules first match a path that long (and
   * its parents): between folders other calls get a turn, and once `budget` is over the rules read so far are all
   * there is (the walk then stops before its first entry and says why).
   */
  async above(dir: Opened, budget: Budget): Promise<IgnoreScope | undefined> {
    const root = rootOf(dir.real, this.sandbox.realRoots);
    if (root === undefined || root === dir.real) return undefined;
    const parts = path.relative(root, dir.real).split(path.sep);
    let scope: IgnoreScope | undefined;
    /** Whether the start is ignored: the deepest folder whose rules say anything of it decides. */
    let startIgnored = false;
    for (let i = 0; i < parts.length; i++) {
      await budget.shareTurn();
      if (budget.over) return undefined;
      const folder = path.join(root, ...parts.slice(0, i));
      let opened: Opened;
      try {
        opened = this.sandbox.open(this.input, folder);
      } catch (error) {
        if (atFileLimit(error)) throw this.sandbox.fsError(this.input, error);
        continue;
      }
      let added: IgnoreScope | undefined;
      try {
        added = aboveScope(this.make, scope, parts.slice(i).join("/"), this.texts(opened, IGNORE_FILES));
      } finally {
        closeSync(opened.fd);
      }
      if (added !== undefined && added !== scope) startIgnored = ownVerdict(added, "", true) ?? startIgnored;
      scope = added;
    }
    return startIgnored ? undefined : scope;
  }

  /** The scope below folder `dir`, at `rel` from the start, whose entries are `entries`: its own rules over `parent`. */
  within(parent: IgnoreScope | undefined, dir: Opened, rel: string, entries: readonly { name: string }[]) {
    const present = IGNORE_FILES.filter((name) => entries.some((entry) => entry.name === name));
    return present.length === 0 ? parent : folderScope(this.make, parent, rel, this.texts(dir, present));
  }

  /** Whether `scope` ignores the entry at `rel` (a directory when `dir`); each one that it does is counted. */
  ignores(scope: IgnoreScope | undefined, rel: string, dir: boolean): boolean {
    if (scope === undefined || !isIgnored(scope, rel, dir)) return false;
    this.passed.count++;
    this.passed.first ??= dir ? `${rel}/` : rel;
    return true;
  }

  /** The text of each of `names` in `dir` that is a readable regular file within MAX_IGNORE_FILE_BYTES. */
  private texts(dir: Opened, names: readonly string[]): string[] {
    return names.flatMap((name) => {
      try {
        const file = this.sandbox.openListedFile(this.input, dir, name);
        try {
          const data = readListedFile(file.fd, MAX_IGNORE_FILE_BYTES, this.scratch, file.stat);
          return data === undefined ? [] : [data.toString("utf8")];
        } finally {
          closeSync(file.fd);
        }
      } catch (error) {
        // Out of descriptors, a file's rules would be missed: the walk reports that error, as for a folder.
        if (atFileLimit(error)) throw this.sandbox.fsError(this.input, error);
        return [];
      }
    });
  }
}
