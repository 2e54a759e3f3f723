import { closeSync, lstatSync, type Stats } from "node:fs";
import path from "node:path";
import { hiddenError } from "./errors.js";
import type { Sandbox } from "./sandbox.js";

/** What get_file_info can still say of a path it could not open: where it is and its metadata. */
export interface StatOnly {
  real: string;
  stat: Stats;
  /** Why it could not be opened: EACCES (the server's user may not read it) or ENXIO (a socket). */
  code: "EACCES" | "ENXIO";
}

/**
 * The metadata of `lex` (the path `input` names), which could not be opened (`failure`): a file or folder the
 * server's user may not read, or a socket, still has a type, size and mode, and those say why the tools cannot read
 * it. On Linux, from an O_PATH descriptor of it (Sandbox.lookAt), which needs no permission on its folder but search:
 * what lies in a folder that may be passed through but not listed (mode 311) is described too. Elsewhere, read
 * through its verified parent's descriptor, without following a symlink at its end (where a link leads is only known
 * by opening it), so nothing outside the roots is described. Undefined where that cannot be done either: the
 * caller's own error stands.
 */
export function statOnly(sandbox: Sandbox, input: string, lex: string, failure: unknown): StatOnly | undefined {
  const code = (failure as Error).cause;
  if (code !== "EACCES" && code !== "ENXIO") return undefined;
  const looked = sandbox.lookAt(input, lex);
  if (looked) return { ...looked, code };
  if (sandbox.isRoot(lex)) return undefined;
  let dir: ReturnType<Sandbox["open"]>;
  try {
    dir = sandbox.open(input, path.dirname(lex));
  } catch {
    return undefined;
  }
  try {
    const name = path.basename(lex);
    const real = path.join(dir.real, name);
    if (sandbox.isHidden(real)) throw hiddenError(input);
    const stat = lstatOrNot(sandbox.child(dir, name));
    if (!stat || stat.isSymbolicLink()) return undefined;
    return { real, stat, code };
  } finally {
    closeSync(dir.fd);
  }
}

/** lstat, or undefined where it fails (a folder that may be read but not searched lets no entry be stat-ed). */
function lstatOrNot(at: string): Stats | undefined {
  try {
    return lstatSync(at);
  } catch {
    return undefined;
  }
}

/** The kind of a path that is neither a file nor a directory, as get_file_info names it. */
export function otherKind(stat: Stats): string {
  if (stat.isSocket()) return "socket";
  if (stat.isFIFO()) return "FIFO";
  if (stat.isCharacterDevice()) return "character device";
  if (stat.isBlockDevice()) return "block device";
  return "symlink";
}
