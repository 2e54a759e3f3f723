import path from "node:path";
import { expandHome, type Verdict } from "@mcp-toolkit/core";
import { quotedName } from "./shown-name.js";

/** A workspace root as configured (`given`) and after realpath (`real`), which differ for a symlinked root. */
export interface RootPair {
  given: string;
  real: string;
}

/** A policy decision: the absolute path to use, or the reason it is refused. */
export type PolicyResult = Verdict<{ path: string }>;

/** Why a path is refused, worded for the model: what is wrong and what to do instead. */
export const OUTSIDE = "outside the workspace root; use a path inside it (relative paths start at the root)";

/**
 * OUTSIDE as the model is told it, with the roots named so it can choose a path inside one: the first five, then a
 * count. The roots are not secret: paths in other roots and resource URIs are shown absolute anyway.
 */
export function outsideReason(realRoots: readonly string[]): string {
  const [first] = realRoots;
  if (realRoots.length <= 1) {
    return `outside the workspace root${first ? ` ${first}` : ""}; use a path inside it (relative paths start at the root)`;
  }
  const more = realRoots.length > 5 ? ` and ${realRoots.length - 5} more` : "";
  return `outside the workspace roots (${realRoots.slice(0, 5).join(", ")}${more}); use a path inside one of them (relative paths start at ${first})`;
}

/** Is `candidate` the root itself, or below it? Both must be absolute and normalised; `/ws-evil` is not in `/ws`. */
export function isWithin(candidate: string, root: string, sep: string = path.sep): boolean {
  if (candidate === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return candidate.startsWith(prefix);
}

/** The root (real path) that contains `realPath`, if any. */
export function rootOf(realPath: string, realRoots: readonly string[]): string | undefined {
  return realRoots.find((root) => isWithin(realPath, root));
}

/**
 * The lexical step, before touching the disk: refuse empty input and NUL bytes, resolve a relative path
 * against the first root, normalise `..` and trailing separators, and require the result inside a root
 * (as given or as realpath). A path under a symlinked root's given name is rewritten onto its real path. With `home`,
 * `~/…` is the home directory's, as a shell reads it. Percent-encoding is not decoded: `%2e%2e` is a file name, not `..`.
 */
export function resolveLexical(input: string, roots: readonly RootPair[], home?: string): PolicyResult {
  if (input.length === 0) return { ok: false, reason: 'empty path; use "." for the root' };
  if (input.includes("\0")) return { ok: false, reason: "contains a NUL byte" };
  const first = roots[0];
  if (!first) return { ok: false, reason: "no workspace root is configured" };
  const absolute = path.resolve(first.real, home === undefined ? input : expandHome(input, home));
  for (const root of roots) {
    if (isWithin(absolute, root.real)) return { ok: true, path: absolute };
  }
  for (const root of roots) {
    if (isWithin(absolute, root.given)) {
      return { ok: true, path: root.real + absolute.slice(root.given.length) };
    }
  }
  return { ok: false, reason: OUTSIDE };
}

/** Why a hidden path is refused: said plainly, so the model moves on instead of probing around it. */
export const HIDDEN = "kept from the file tools by the server's --hide setting; use another path";

/**
 * A --hide entry made canonical: a path relative to the roots (`.agent`, `logs/audit.jsonl`), normalised, that
 * names something below a root, never the root itself or anything outside it.
 */
export function normalizeHidden(entry: string, sep: string = path.sep): PolicyResult {
  if (entry.includes("\0")) return { ok: false, reason: "contains a NUL byte" };
  const posix = sep === "/";
  const normal = (posix ? path.posix : path.win32).normalize(entry);
  if ((posix ? path.posix : path.win32).isAbsolute(normal)) {
    return { ok: false, reason: "must be relative to the workspace root" };
  }
  const trimmed = normal.endsWith(sep) ? normal.slice(0, -1) : normal;
  if (trimmed === "" || trimmed === ".") return { ok: false, reason: "names the root itself; hide something below it" };
  if (trimmed === ".." || trimmed.startsWith(`..${sep}`))
    return { ok: false, reason: "leads outside the workspace root" };
  return { ok: true, path: trimmed };
}

/** Is `absolute` (a real path) a hidden path below one of the roots, or inside one? `hidden` are normalised entries. */
export function isHidden(absolute: string, realRoots: readonly string[], hidden: readonly string[]): boolean {
  return hidden.some((rel) => realRoots.some((root) => isWithin(absolute, path.join(root, rel))));
}

/**
 * May a tool change what sits at `absolute` (a real path)? Not if it is hidden, nor if a hidden path lies inside it:
 * moving or replacing a directory that holds the audit log would expose or replace the log.
 */
export function touchesHidden(absolute: string, realRoots: readonly string[], hidden: readonly string[]): boolean {
  return (
    isHidden(absolute, realRoots, hidden) ||
    hidden.some((rel) => realRoots.some((root) => isWithin(path.join(root, rel), absolute)))
  );
}

/** Does the input end in a separator (`dir/`, `dir/.`)? Then it can only name a directory, as in POSIX. */
export function namesDirectory(input: string, sep: string = path.sep): boolean {
  return input.endsWith(sep) || input.endsWith(`${sep}.`) || input === "." || (sep !== "/" && input.endsWith("/"));
}

/**
 * The check after the disk has spoken: `realPath` (the realpath of what was opened, or of the deepest
 * existing ancestor) must be inside a root's real path.
 */
export function checkReal(realPath: string, realRoots: readonly string[]): PolicyResult {
  if (realPath.includes("\0")) return { ok: false, reason: "contains a NUL byte" };
  // Linux reports an unlinked file as "/path (deleted)"; that is not a path inside the root.
  if (!path.isAbsolute(realPath) || realPath.endsWith(" (deleted)")) {
    return { ok: false, reason: "changed while being opened; try again" };
  }
  return rootOf(realPath, realRoots) ? { ok: true, path: realPath } : { ok: false, reason: OUTSIDE };
}

/**
 * An input as quoted in messages: in quotes, escaped as a listing escapes a name (a control, line-separator or bidi
 * character shows as its escape, not raw), and cut short so a huge argument can't bloat a reply.
 */
export function quote(input: string, max = 200): string {
  return quotedName(input, max);
}

/** How to show an absolute path to the model: relative to the first root when inside it, else absolute. */
export function displayPath(absolute: string, roots: readonly RootPair[]): string {
  const first = roots[0];
  if (first && isWithin(absolute, first.real)) return unambiguousRelative(path.relative(first.real, absolute)) || ".";
  return absolute;
}

/**
 * A relative path as the model is shown it, so that given back it names the same file: under a folder named `~` it
 * starts "./", as `~/…` in a tool's path is the home directory (resolveLexical). Pure.
 */
export function unambiguousRelative(rel: string, sep: string = path.sep): string {
  return rel === "~" || rel.startsWith("~/") || rel.startsWith(`~${sep}`) ? `./${rel}` : rel;
}

/** The path, as a tool's `path` argument, of `rel` found by a walk from `from` (itself, for ""). Pure. */
export function underPath(from: string, rel: string): string {
  if (rel === "") return from;
  return from === "." ? unambiguousRelative(rel, "/") : `${from.replace(/\/+$/, "")}/${rel}`;
}
