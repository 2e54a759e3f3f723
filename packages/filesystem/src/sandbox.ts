import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { hiddenError, outsideError, rootedFsError, SANDBOX_REFUSAL, ToolError } from "./errors.js";
import { asDirectory, makeDirs } from "./make-dirs.js";
import { openFailure, unproxied } from "./open-failure.js";
import {
  checkReal,
  displayPath,
  isHidden,
  namesDirectory,
  normalizeHidden,
  OUTSIDE,
  quote,
  type RootPair,
  resolveLexical,
  rootOf,
  touchesHidden,
} from "./path-policy.js";
import { resolveRoots } from "./root-paths.js";
import { hasOtherForms, unicodeTwin } from "./unicode-twin.js";

export { ToolError };

const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0, O_NOCTTY = 0 } = constants;
/** Opening for a look: never block on a FIFO, never adopt a terminal. */
const READ_FLAGS = O_RDONLY | O_NONBLOCK | O_NOCTTY;

/** A file or directory that was opened first and verified inside a root second. Close `fd` when done. */
export interface Opened {
  fd: number;
  /** The verified real path of what `fd` refers to. */
  real: string;
  stat: Stats;
}

/**
 * Turns model-supplied paths into verified open file descriptors. One per server: it holds the
 * roots' realpaths (cached once) and nothing else.
 */
export class Sandbox {
  #roots: readonly RootPair[];
  #realRoots: readonly string[];
  /** Where --hide entries are anchored: the configured roots and the current ones, so narrowing never unhides. */
  #hideAnchors: readonly string[];
  /** The roots as configured, before any client narrowed or replaced them. */
  readonly configuredRoots: readonly string[];
  /** Linux exposes what an fd refers to at /proc/self/fd/N: verify after open, and reach children through it. */
  private readonly procFd: boolean;
  /** Paths below the roots that no tool may reach or list (normalised --hide entries). */
  readonly hidden: readonly string[];
  /** Where `~/…` in a tool's path leads. */
  readonly #home = homedir();

  /** `rootSetting` names where the roots came from (`root`, `--root`), for the error when one is missing. */
  constructor(
    roots: readonly string[],
    procFd = process.platform === "linux" && existsSync("/proc/self/fd"),
    hidden: readonly string[] = [],
    rootSetting = "root",
  ) {
    this.#roots = resolveRoots(roots, rootSetting);
    this.#realRoots = this.#roots.map((r) => r.real);
    this.#hideAnchors = this.#realRoots;
    this.configuredRoots = this.#realRoots;
    this.procFd = procFd;
    this.hidden = hidden.map((entry) => {
      const result = normalizeHidden(entry);
      // A value the option cannot take, named as the caller wrote it (the bin checks --hide itself, first).
      if (!result.ok) throw new TypeError(`hide ${quote(entry)}: ${result.reason}`);
      return result.path;
    });
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
  }

  /** Is this absolute path (lexical or real) hidden from the tools? */
  isHidden(absolute: string): boolean {
    return isHidden(absolute, this.#hideAnchors, this.hidden);
  }

  /**
   * The real path of `name` inside the verified directory `dir`, for a tool about to create, replace, move or delete
   * it; refused if hidden or holding a hidden path. The typed path may run through a symlink (`self -> .`), so only
   * the verified parent's real path says what will be touched.
   */
  mutable(input: string, dir: Opened, name: string): string {
    const real = path.join(dir.real, name);
    if (touchesHidden(real, this.#hideAnchors, this.hidden)) throw hiddenError(input);
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

  /** The sandbox's refusal of `input`, naming the roots it may use instead. */
  outside(input: string): ToolError {
    return outsideError(input, this.realRoots, this.#home);
  }

  /** How a verified path is shown to the model. */
  display(real: string): string {
    return displayPath(real, this.roots);
  }

  /** Is `absolute` one of the roots (which may not be deleted, moved or replaced)? */
  isRoot(absolute: string): boolean {
    return this.realRoots.includes(absolute);
  }

  /**
   * Open an existing file or directory, then verify that what was opened lies inside a root.
   * Symlinks inside the workspace are followed; anything that ends up outside is refused, including
   * a symlink swapped in between a caller's check and this open (there is no window: the check is on the fd).
   * `resolved`, when given, is the already-resolved absolute path to open on behalf of `input`.
   */
  open(input: string, resolved?: string): Opened {
    // Without `resolved`, `input` itself is opened, and a trailing "/" on it must name a directory.
    const own = resolved === undefined;
    const lex = resolved ?? this.lexical(input);
    let target = lex;
    let flags = READ_FLAGS;
    if (!this.procFd) {
      // Portable fallback: resolve first, then open without following, then compare inodes.
      target = this.verified(input, this.realpath(input, lex));
      flags |= O_NOFOLLOW;
    }
    let fd: number;
    try {
      fd = openSync(target, flags);
    } catch (error) {
      throw openFailure(this, input, this.procFd ? unproxied(lex) : lex, error);
    }
    try {
      const stat = fstatSync(fd);
      const real = this.verifyFd(input, fd, target, stat);
      if (own && namesDirectory(input) && !stat.isDirectory()) {
        throw new ToolError(`${quote(input)}: is a file, but the trailing "/" names a directory; drop it`);
      }
      return { fd, real, stat };
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /**
   * Open the directory at lexical path `lex`. With `create`, missing components are made one at a
   * time, each created and opened relative to an already verified parent descriptor (`mkdir -p`).
   */
  openDir(input: string, lex: string, create = false): Opened {
    try {
      return asDirectory(this, input, this.open(input, lex));
    } catch (error) {
      if (!create || (error as NodeJS.ErrnoException).cause !== "ENOENT") throw error;
    }
    const root = rootOf(lex, this.realRoots);
    if (!root) throw this.outside(input);
    return makeDirs(this, input, root, lex);
  }

  /**
   * Open `name`, which the listing of the verified directory `dir` gave as a regular file, to read it: through the
   * directory's own descriptor and without following a symlink swapped in since, so what opens can only be an entry
   * of that directory (a swapped-in directory, FIFO or device fails to read, or reads as not a regular file). A search
   * opens thousands of files, and this spares each the fstat and /proc readlink of `open`, a third of its cost. The
   * readlink would add the file's current path, which is its directory's plus `name`: a directory moved out of the
   * root mid-search still holds only what it held inside, so the path says nothing more about what may be read.
   * `stat` is present only where the portable fallback verified the file the long way.
   */
  openListedFile(input: string, dir: Opened, name: string): { fd: number; stat?: Stats } {
    if (!this.procFd) return this.open(input, this.child(dir, name));
    if (this.hidden.length > 0 && this.isHidden(path.join(dir.real, name))) throw hiddenError(input);
    return { fd: openSync(this.child(dir, name), READ_FLAGS | O_NOFOLLOW) };
  }

  /** A path that reaches `name` inside the opened directory itself, not whatever its path names now. */
  child(dir: Opened, name: string): string {
    return this.procFd ? `/proc/self/fd/${dir.fd}/${name}` : path.join(dir.real, name);
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
    const twin = failed.cause === "ENOENT" ? this.unicodeTwin(input) : undefined;
    if (twin === undefined) return failed;
    return new ToolError(
      `${quote(input)}: not found, but ${quote(twin)} is: the same name in another Unicode form (NFC/NFD; macOS writes names decomposed); use that one`,
      { cause: "ENOENT" },
    );
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

  private realpath(input: string, lex: string): string {
    return this.call(input, () => realpathSync.native(lex));
  }

  private verified(input: string, real: string): string {
    const result = checkReal(real, this.realRoots);
    if (!result.ok && result.reason === OUTSIDE) throw this.outside(input);
    if (!result.ok) throw new ToolError(`${quote(input)}: ${result.reason}`, SANDBOX_REFUSAL);
    // Reached another way (a symlink to it, a path through a symlinked directory): still hidden.
    if (this.isHidden(result.path)) throw hiddenError(input);
    return result.path;
  }

  /** The real path of what `fd` refers to, refused unless inside a root. */
  private verifyFd(input: string, fd: number, opened: string, stat: Stats): string {
    if (this.procFd) return this.verified(input, readlinkSync(`/proc/self/fd/${fd}`));
    const real = this.verified(input, this.realpath(input, opened));
    const now = statSync(real);
    if (now.ino !== stat.ino || now.dev !== stat.dev) {
      throw new ToolError(`${quote(input)}: changed while being opened; try again`);
    }
    return real;
  }
}
