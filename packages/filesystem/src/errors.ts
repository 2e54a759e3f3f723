import path from "node:path";
import { expandHome } from "@mcp-toolkit/core";
import { HIDDEN, outsideReason, quote } from "./path-policy.js";
import { quotedName, shownName } from "./shown-name.js";

/**
 * A refusal whose message is ready for the model; tools let it propagate to become an isError result. `refusal`
 * names the policy or limit that refused (`sandbox`, `hidden`, `size`, `timeout`), which the stats resource counts; plain failures have none.
 */
export class ToolError extends Error {
  override name = "ToolError";
  readonly refusal?: string;

  constructor(message: string, options?: ErrorOptions & { refusal?: string }) {
    super(message, options);
    if (options?.refusal) this.refusal = options.refusal;
  }
}

/** The causes the stats resource counts a call refused by a limit under: too large, or out of time. */
export const SIZE_REFUSAL = { refusal: "size" } as const;
export const TIMEOUT_REFUSAL = { refusal: "timeout" } as const;
/** The causes the stats resource counts the sandbox's refusals under: outside every root, or --hide. */
export const SANDBOX_REFUSAL = { refusal: "sandbox" } as const;
const HIDDEN_REFUSAL = { refusal: "hidden" } as const;

/** The refusal of `input` because it is, or leads to, a path kept from the tools by --hide. */
export function hiddenError(input: string): ToolError {
  return new ToolError(`${quote(input)}: ${HIDDEN}`, HIDDEN_REFUSAL);
}

/**
 * The refusal of `input` because it lies outside every root, naming the roots it may use instead. `throughSymlink`:
 * the path as typed is inside, and a symlink on it or at its end leads out, which "use a path inside it" would not
 * explain.
 */
export function outsideError(
  input: string,
  realRoots: readonly string[],
  home: string,
  throughSymlink = false,
): ToolError {
  // A folder named `~` is shown as ./~ (unambiguousRelative); one typed as `~/…` was taken for the home directory.
  const tilde =
    expandHome(input, home) !== input
      ? ` (a leading ~ is the home directory; a folder named ~ in the root is ./~)`
      : "";
  const link = throughSymlink ? "leads through a symlink (on the path or at its end) to a place " : "";
  return new ToolError(`${quote(input)}: ${link}${outsideReason(realRoots)}${tilde}`, SANDBOX_REFUSAL);
}

/**
 * The refusal of `input` because `shown`, on its way or at its end, is a file where a folder must be. `shown` comes
 * from the file system (through a symlink it may be no part of `input`), so it is escaped as listings show names.
 */
export function notADirectoryError(input: string, shown: string): ToolError {
  return new ToolError(`${quote(input)}: ${shownName(shown)} is a file, not a directory`, { cause: "ENOTDIR" });
}

/**
 * The refusal (EACCES) to make or remove `input`'s entry in its folder `folder`, already opened (so passed through),
 * shown as the tools show paths: that needs write permission on the folder alone, so the folder is named, where "on
 * the file or on a folder of its path" left the model to guess which. `undone` says what did not happen.
 */
export function folderNotWritable(input: string, folder: string, undone: string): ToolError {
  return new ToolError(
    `${quote(input)}: permission denied: the folder ${quotedName(folder)} is not writable by the server's user; ${undone} — ask the user to grant write (w) permission on the folder, or use another path`,
    { cause: "EACCES" },
  );
}

/** An actionable message for an errno failure on `input`; the errno code is kept as `cause`. */
export function fsError(input: string, error: unknown): Error {
  if (error instanceof ToolError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const message = (error as Error).message;
  // Node's own message names the absolute path, which the model is never shown for a file under the first root.
  const syscall = (error as NodeJS.ErrnoException).syscall;
  const reason = ERRNO_REASONS[code] ?? (code ? `${code}${syscall ? ` (${syscall})` : ""}` : `error: ${message}`);
  const next = ERRNO_NEXT[code];
  return new ToolError(`${quote(input)}: ${reason}${next ? `: ${next}` : ""}`, { cause: code });
}

/** fsError for a sandbox with these roots: a relative path not found may be meant in a root after the first. */
export function rootedFsError(input: string, error: unknown, realRoots: readonly string[], home: string): Error {
  const failed = fsError(input, error);
  const [first, ...others] = realRoots;
  if (others.length === 0 || failed.cause !== "ENOENT" || path.isAbsolute(expandHome(input, home))) return failed;
  // Only an absolute path reaches the others.
  return new ToolError(`${failed.message} (relative paths start at ${first}; other roots: ${others.join(", ")})`, {
    cause: "ENOENT",
  });
}

/**
 * Whether `error` (an errno error, or the ToolError made of one) is the process or the system out of file
 * descriptors (EMFILE, ENFILE): that says nothing of the path, and a walk that passed over it would answer wrongly.
 */
export function atFileLimit(error: unknown): boolean {
  return hasErrno(error, FILE_LIMITS);
}

const FILE_LIMITS = new Set(["EMFILE", "ENFILE"]);

/** Whether `error` (an errno error, or the ToolError made of one where no /proc verifies the open) is ENOENT. */
export function notFound(error: unknown): boolean {
  return hasErrno(error, NOT_FOUND);
}

const NOT_FOUND = new Set(["ENOENT"]);

/** Whether the errno code of `error`, or of the ToolError made of one (its `cause`), is one of `codes`. */
function hasErrno(error: unknown, codes: ReadonlySet<string>): boolean {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: unknown };
  return codes.has(String(code)) || codes.has(String(cause));
}

/**
 * What a model can do about a refusal whose short words (ERRNO_REASONS, which the notes of searches and trees quote
 * for each entry they pass over) say only what happened: told only "permission denied" or "read-only filesystem", it
 * retries the same call or guesses.
 */
const ERRNO_NEXT: Record<string, string> = {
  EACCES:
    "the server's user lacks the permission this needs, on the file or on a folder of its path (get_file_info shows a path's permissions); ask the user to grant it, or use another path",
  EPERM:
    "the file may be immutable or append-only (chattr +i or +a; lsattr shows it), or this needs its owner's rights; ask the user to lift that, or use another path",
  EROFS:
    "nothing on this filesystem can be created, changed, moved or deleted; write in another root, or ask the user to remount it read-write",
};

/** The words for an errno code, if it has its own. */
export function errnoReason(code: string): string | undefined {
  return ERRNO_REASONS[code];
}

const ERRNO_REASONS: Record<string, string> = {
  ENOENT: "not found — list_directory shows what exists",
  ENOTDIR: "a component of the path is a file, not a directory",
  EISDIR: "is a directory — list_directory or directory_tree show its contents",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ELOOP: "too many levels of symlinks, or a symlink where none may be; refused",
  EEXIST: "already exists",
  ENOTEMPTY: "directory is not empty — delete its contents first",
  ENAMETOOLONG:
    "name too long: a file or folder name may take at most 255 bytes (in UTF-8) and a whole path about 4,000 on most systems; use a shorter name or a shallower path",
  EXDEV:
    "source and destination are on different filesystems, where nothing is moved whole: for a text file, write its content at the destination (write_file), then delete_file the source; a folder or a binary file cannot be moved there by these tools",
  ENOSPC:
    "no space left on device (the disk, or its count of files, is full): ask the user to free space, or delete_file a file you made here that is no longer needed",
  EROFS: "read-only filesystem",
  EBUSY: "busy",
  EINVAL: "invalid for this file (e.g. moving a directory into itself)",
  ENXIO: "not a file that can be opened: a socket, or a device or FIFO with nothing on its other end",
  EMFILE:
    "the server has as many files open as its limit allows (EMFILE, ulimit -n); try again once fewer calls are running",
  ENFILE: "the system has as many files open as it allows (ENFILE); try again once fewer calls are running",
  ETXTBSY: "a program running from this file has it busy",
  EFBIG:
    "the file would grow past the largest file the server may write: its file-size limit (ulimit -f) or the filesystem's",
  EDQUOT:
    "disk quota exceeded (the server's user may store no more here): ask the user to raise the quota or free space, or delete_file a file you made here that is no longer needed",
  EIO: "I/O error reading or writing the device",
};
