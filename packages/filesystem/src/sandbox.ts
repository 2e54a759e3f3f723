import { closeSync, constants, existsSync, fstatSync, openSync, readlinkSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import { hiddenError, ToolError } from "./errors.js";
import { asDirectory, type MadeDirs, makeDirs } from "./make-dirs.js";
import { openFailure, unlistedFolder, unproxied } from "./open-failure.js";
import { namesDirectory, quote, rootOf } from "./path-policy.js";
import { type Opened, SandboxPaths } from "./sandbox-paths.js";

export { ToolError };

const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0, O_NOCTTY = 0 } = constants;
/** Opening for a look: never block on a FIFO, never adopt a terminal. */
const READ_FLAGS = O_RDONLY | O_NONBLOCK | O_NOCTTY;
/**
 * Linux's O_PATH, which Node does not export: a descriptor that only names a file, good for fstat and the /proc
 * readlink, and opened with no permission on the file or its folder (search on the way is enough). Its value is the
 * generic one on every architecture Node builds for (alpha, parisc and sparc differ; Node runs on none of them).
 */
const O_PATH = 0o10000000;

/**
 * Turns model-supplied paths into verified open file descriptors. One per server: it holds the
 * roots' realpaths (cached once, see sandbox-paths.ts) and nothing else.
 */
export class Sandbox extends SandboxPaths {
  /** Linux exposes what an fd refers to at /proc/self/fd/N: verify after open, and reach children through it. */
  private readonly procFd: boolean;

  /** `rootSetting` names where the roots came from (`root`, `--root`), for the error when one is missing. */
  constructor(
    roots: readonly string[],
    procFd = process.platform === "linux" && existsSync("/proc/self/fd"),
    hidden: readonly string[] = [],
    rootSetting = "root",
  ) {
    super(roots, hidden, rootSetting);
    this.procFd = procFd;
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
   * Open the directory at lexical path `lex`, to make, replace, move or remove entries in it: one the server's user may
   * not list is held by an O_PATH descriptor (`openFolder`), so a tool that lists uses `openToList`. With `made`,
   * missing components are made one at a time, each created and opened relative to an already verified parent
   * descriptor (`mkdir -p`), and recorded in `made`, to be removed again if the call fails (make-dirs.ts).
   */
  openDir(input: string, lex: string, made?: MadeDirs): Opened {
    try {
      return asDirectory(this, input, this.openFolder(input, lex));
    } catch (error) {
      if (!made || (error as NodeJS.ErrnoException).cause !== "ENOENT") throw error;
    }
    const root = rootOf(lex, this.realRoots);
    if (!root) throw this.outside(input);
    return makeDirs(this, input, root, lex, made);
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

  /**
   * Open the directory at `lex` to list it: as `open` does, since an O_PATH descriptor cannot be listed. One the
   * server's user may pass through but not list is refused saying so, and that names in it can still be reached.
   */
  openToList(input: string, lex: string): Opened {
    try {
      return asDirectory(this, input, this.open(input, lex));
    } catch (error) {
      if ((error as Error).cause !== "EACCES") throw error;
      throw unlistedFolder(this, input, lex) ?? error;
    }
  }

  /**
   * Open `lex`, a folder to work in, as `open` does; where the server's user may not list it (EACCES: mode 311, or a
   * drop folder of 733), on Linux an O_PATH descriptor of it instead (see `lookAt`). That anchors `child` paths, and
   * the files made, renamed and removed through them, as well as a readable one does, needing the search and write
   * permission the kernel itself asks for; it cannot be listed (a readdir fails EACCES, as the open did) or fsync-ed.
   */
  openFolder(input: string, lex: string): Opened {
    try {
      return this.open(input, lex);
    } catch (error) {
      if ((error as Error).cause !== "EACCES") throw error;
      const held = this.openPath(input, lex);
      if (!held) throw error;
      return held;
    }
  }

  /**
   * The real path and metadata of `lex` (the path `input` names), which `open` could not open (a file the server's
   * user may not read, in a folder it may not list either; a socket), or undefined where that cannot be had this way:
   * off Linux, or where even O_PATH cannot open it. Only the failure path of `open` comes here: reads keep their one
   * open.
   */
  lookAt(input: string, lex: string): { real: string; stat: Stats } | undefined {
    const opened = this.openPath(input, lex);
    if (opened) closeSync(opened.fd);
    return opened && { real: opened.real, stat: opened.stat };
  }

  /**
   * `lex` opened with O_PATH, which asks no permission of it (search on the way, as stat does), and verified as
   * `open` verifies: a symlink is followed only to what lies inside a root, and what is described is what was opened.
   * Undefined off Linux, or where even that open fails.
   */
  private openPath(input: string, lex: string): Opened | undefined {
    if (!this.procFd) return undefined;
    let fd: number;
    try {
      fd = openSync(lex, O_PATH);
    } catch {
      return undefined;
    }
    try {
      const stat = fstatSync(fd);
      return { fd, real: this.verifyFd(input, fd, lex, stat), stat };
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** A path that reaches `name` inside the opened directory itself, not whatever its path names now. */
  child(dir: Opened, name: string): string {
    return this.procFd ? `/proc/self/fd/${dir.fd}/${name}` : path.join(dir.real, name);
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
