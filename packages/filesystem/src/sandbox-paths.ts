// Where the sandbox's tools may go: the roots (as configured, and as a client replaced them) and the hidden paths below
// them; a typed path checked lexically and a real path verified against them; the refusals and errno messages that
// name them. Sandbox (sandbox.ts) builds on it to open descriptors and verify what was opened.
import { accessSync, constants, realpathSync, type Stats, statSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { realPathOf } from "@mcp-toolkit/core";
import { hiddenError, notADirectoryError, outsideError, rootedFsError, SANDBOX_REFUSAL, ToolError } from "./errors.js";
import {
  checkReal,
  displayPath,
  isHidden,
  isWithin,
  normalizeHidden,
  OUTSIDE,
  quote,
  type RootPair,
  resolveLexical,
  touchesHidden,
} from "./path-policy.js";
import { resolveRoots } from "./root-paths.js";
import { quotedName } from "./shown-name.js";
import { hasOtherForms, OTHER_FORM, unicodeTwin } from "./unicode-twin.js";

/** A file or directory that was opened first and verified inside a root second. Close `fd` when done. */
export interface Opened {
  fd: number;
  /** The verified real path of what `fd` refers to. */
  real: string;
  stat: Stats;
}

/**
 * The paths a Sandbox may reach: it holds the roots' realpaths (cached once) and the hidden paths, and judges typed
 * and real paths against them. Only a Sandbox is made of it.
 */
export abstract class SandboxPaths {
  #roots: readonly RootPair[];
  #realRoots: readonly string[];
  /** Where --hide entries are anchored: the configured roots and the current ones, so narrowing never unhides. */
  #hideAnchors: readonly string[];
  /**
   * Where the hidden paths lie on disk when one runs through a symlink (`--hide logs/audit.jsonl` with `logs ->
   * var/logs`): the file is there under its real name too. Resolved with the roots, so a link on the way moved later
   * does not unhide them; moving or deleting what holds them is refused, as for the paths as written.
   */
  #hiddenOnDisk: readonly string[] = [];
  /** The roots as configured, before any client narrowed or replaced them. */
  readonly configuredRoots: readonly string[];
  /** Paths below the roots that no tool may reach or list (normalised --hide entries). */
  readonly hidden: readonly string[];
  /** Where `~/…` in a tool's path leads. */
  readonly #home = homedir();

  /** `rootSetting` names where the roots came from (`root`, `--root`), for the error when one is missing. */
  constructor(roots: readonly string[], hidden: readonly string[], rootSetting: string) {
    this.#roots = resolveRoots(roots, rootSetting);
    this.#realRoots = this.#roots.map((r) => r.real);
    this.#hideAnchors = this.#realRoots;
    this.configuredRoots = this.#realRoots;
    this.hidden = hidden.map((entry) => {
      const result = normalizeHidden(entry);
      // A value the option cannot take, named as the caller wrote it (the bin checks --hide itself, first).
      if (!result.ok) throw new TypeError(`hide ${quote(entry)}: ${result.reason}`);
      return result.path;
    });
    this.#hiddenOnDisk = this.#resolveHidden();
  }

  /**
   * The hidden paths' real places that differ from their places as written (see #hiddenOnDisk). One that is a root or
   * holds one (`self -> .`) is left out: as written, a --hide entry never names a root, so the link's name alone is hidden.
   */
  #resolveHidden(): string[] {
    const places = this.#hideAnchors.flatMap((anchor) => this.hidden.map((rel) => path.join(anchor, rel)));
    const holdsRoot = (place: string) => this.#hideAnchors.some((root) => isWithin(root, place));
    return [...new Set(places.map(realPathOf).filter((real) => !places.includes(real) && !holdsRoot(real)))];
  }

  /** The workspace roots, as given and as real paths; relative tool paths start at the first. */
  get roots(): readonly RootPair[] {
    return this.#roots;
  }

  get realRoots(): readonly string[] {
    return this.#realRoots;
  }

  /**
   * Serve other roots from now on (a client's roots, see client-roots.ts); throws, changing nothing, if one is
   * missing or not a directory. Hidden paths stay hidden under the configured roots too.
   */
  setRoots(roots: readonly string[]): void {
    const resolved = resolveRoots(roots);
    this.#roots = resolved;
    this.#realRoots = resolved.map((r) => r.real);
    this.#hideAnchors = [...new Set([...this.configuredRoots, ...this.#realRoots])];
    this.#hiddenOnDisk = this.#resolveHidden();
  }

  /** Is this absolute path (lexical or real) hidden from the tools? */
  isHidden(absolute: string): boolean {
    return (
      isHidden(absolute, this.#hideAnchors, this.hidden) ||
      this.#hiddenOnDisk.some((place) => isWithin(absolute, place))
    );
  }

  /**
   * The real path of `name` inside the verified directory `dir`, for a tool about to create, replace, move or delete
   * it; refused if hidden or holding a hidden path. The typed path may run through a symlink (`self -> .`), so only
   * the verified parent's real path says what will be touched.
   */
  mutable(input: string, dir: Opened, name: string): string {
    const real = path.join(dir.real, name);
    const onDisk = this.#hiddenOnDisk.some((place) => isWithin(real, place) || isWithin(place, real));
    if (onDisk || touchesHidden(real, this.#hideAnchors, this.hidden)) throw hiddenError(input);
    return real;
  }

  /** The entries of an opened directory that a listing, tree or search may show: all but the hidden ones. */
  shown<T extends { name: string }>(dir: Opened, entries: T[]): T[] {
    return this.hidden.length === 0 ? entries : entries.filter((e) => !this.isHidden(path.join(dir.real, e.name)));
  }

  /** The absolute path a tool argument names, checked lexically; throws ToolError naming the input. */
  lexical(input: string): string {
    const result = resolveLexical(input, this.roots, this.#home);
    if (!result.ok) {
      // An empty path or a NUL byte is a bad argument, not the sandbox refusing.
      if (result.reason === OUTSIDE) throw this.outside(input);
      throw new ToolError(`${quote(input)}: ${result.reason}`);
    }
    if (this.isHidden(result.path)) throw hiddenError(input);
    return result.path;
  }

  /** The sandbox's refusal of `input`, naming the roots it may use instead; `throughSymlink` once it passed lexical(). */
  outside(input: string, throughSymlink = false): ToolError {
    return outsideError(input, this.realRoots, this.#home, throughSymlink);
  }

  /** How a verified path is shown to the model. */
  display(real: string): string {
    return displayPath(real, this.roots);
  }

  /** Is `absolute` one of the roots (which may not be deleted, moved or replaced)? */
  isRoot(absolute: string): boolean {
    return this.realRoots.includes(absolute);
  }

  /** Run a filesystem call, turning errno failures into ToolErrors the model can act on. */
  call<T>(input: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw this.fsError(input, error);
    }
  }

  /** An actionable message for an errno failure on `input`; the code is kept as `cause`. */
  fsError(input: string, error: unknown): Error {
    const failed = rootedFsError(input, error, this.realRoots, this.#home);
    if (failed.cause === "ENOTDIR") {
      const file = this.fileOnTheWay(input);
      if (file !== undefined) return notADirectoryError(input, file);
    }
    const twin = failed.cause === "ENOENT" ? this.unicodeTwin(input) : undefined;
    if (twin === undefined) return failed.cause === "ENOENT" ? (this.unlistedFolder(input) ?? failed) : failed;
    return new ToolError(`${quote(input)}: not found, but ${quotedName(twin)} is: ${OTHER_FORM}; use that one`, {
      cause: "ENOENT",
    });
  }

  /** The path `input` names with its last part as the directory really spells it (unicode-twin.ts), if it differs. */
  private unicodeTwin(input: string): string | undefined {
    try {
      const lex = this.lexical(input);
      const name = path.basename(lex);
      if (!hasOtherForms(name)) return undefined;
      // Through its real, verified parent: a symlinked parent must not lead a listing outside the roots.
      const dir = this.verified(input, realpathSync.native(path.dirname(lex)));
      const twin = unicodeTwin(dir, name, (absolute) => this.isHidden(absolute));
      return twin === undefined ? undefined : path.join(path.dirname(input), twin);
    } catch {
      return undefined;
    }
  }

  /**
   * Not found in a folder the server's user may pass through but not list (mode 311, 711): "list_directory shows
   * what exists" would send the model to a listing that is refused. Undefined for a folder it may list.
   */
  private unlistedFolder(input: string): ToolError | undefined {
    let dir: string | undefined;
    try {
      dir = this.verified(input, realpathSync.native(path.dirname(this.lexical(input))));
      if (!statSync(dir).isDirectory()) return undefined;
      accessSync(dir, constants.R_OK);
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EACCES") return undefined;
    }
    if (dir === undefined) return undefined;
    const mode = (statSync(dir).mode & 0o7777).toString(8).padStart(3, "0");
    return new ToolError(
      `${quote(input)}: not found in ${quotedName(this.display(dir))}, a folder the server's user may pass through but not list (permissions ${mode}), so list_directory cannot show what is in it: check the name with the user, or ask them to grant read (r) permission on the folder`,
      { cause: "ENOENT" },
    );
  }

  /** The first folder of `input`'s path that is a file (what an ENOTDIR is about), shown as the tools show paths. */
  private fileOnTheWay(input: string): string | undefined {
    try {
      const ancestors: string[] = [];
      for (
        let at = path.dirname(this.lexical(input));
        !this.isRoot(at) && at !== path.dirname(at);
        at = path.dirname(at)
      ) {
        ancestors.unshift(at);
      }
      for (const at of ancestors) {
        // Verified before it is looked at: a symlink on the way that leads out tells nothing of what is there.
        const real = this.verified(input, realpathSync.native(at));
        if (!statSync(real).isDirectory()) return this.display(real);
      }
    } catch {
      // No clearer answer than errno's own.
    }
    return undefined;
  }

  protected realpath(input: string, lex: string): string {
    return this.call(input, () => realpathSync.native(lex));
  }

  protected verified(input: string, real: string): string {
    const result = checkReal(real, this.realRoots);
    // The typed path was inside (lexical), so what leads out is a symlink.
    if (!result.ok && result.reason === OUTSIDE) throw this.outside(input, true);
    if (!result.ok) throw new ToolError(`${quote(input)}: ${result.reason}`, SANDBOX_REFUSAL);
    // Reached another way (a symlink to it, a path through a symlinked directory): still hidden.
    if (this.isHidden(result.path)) throw hiddenError(input);
    return result.path;
  }
}
