import { randomBytes } from "node:crypto";
import { accessSync, closeSync, constants, fsyncSync, lstatSync, readlinkSync, unlinkSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { plural, sliceUtf8, tracing } from "@mcp-toolkit/core";
import { folderNotWritable } from "./errors.js";
import { checkVersion, type Expected, NEW_FILE } from "./file-version.js";
import { type MadeDirs, undoingMadeDirs } from "./make-dirs.js";
import { namesDirectory, quote } from "./path-policy.js";
import { type Sandbox, ToolError } from "./sandbox.js";
import type { Opened } from "./sandbox-paths.js";
import { quotedName } from "./shown-name.js";
import { OTHER_FORM, twinOfNewName } from "./unicode-twin.js";
import { keptMode, writeAll } from "./write-bytes.js";
import { placeTemp } from "./write-place.js";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW = 0, W_OK } = constants;

/** What an atomic write did. */
export interface WriteResult {
  /** Verified real path written. */
  real: string;
  created: boolean;
  bytes: number;
  /** Other hard links the replaced file had: they keep the old content, as the write is a new file under this name. */
  otherLinks: number;
  /** The file was missing when the write began and someone else created it before it landed: theirs was replaced. */
  raced?: true;
}

/**
 * What a reply says of a replaced file's other hard links (`otherLinks`), which still hold what it held: the rename
 * that makes a write atomic gives this name a new file. Undefined when it had none.
 */
export function otherLinksNote(otherLinks: number): string | undefined {
  if (otherLinks <= 0) return undefined;
  const keep = otherLinks === 1 ? "keeps" : "keep";
  return `the file had ${plural(otherLinks, "other hard link")}, which ${keep} the old content: the write made a new file under this name only`;
}

/**
 * Replace (or create) the file at lexical path `lex` atomically: write a temp file inside the verified
 * parent directory, fsync it, rename it over the target, fsync the directory. A crash at any point
 * leaves the old file or the new one, never a torn one. Keeps an existing file's mode, owner and group.
 * With `createParents`, missing folders are made, and removed again if the write then fails.
 */
export async function writeAtomic(
  sandbox: Sandbox,
  input: string,
  lex: string,
  content: string | Buffer,
  createParents: boolean,
  /**
   * The version of the file as it was read (edit_file's, or the caller's `expectedVersion`), NEW_FILE for none: refuse
   * if it is not that now, rather than lose a change made since.
   */
  expected?: Expected,
): Promise<WriteResult> {
  if (!createParents) return writeIn(sandbox, input, lex, content, undefined, expected);
  // Another call that failed removes the folders it made (make-dirs.ts), maybe ones this write found and opened
  // before it made the rest or its temp file there: the folders are made again, rather than "not found" for a file
  // asked to be created. A write that makes its folders has nothing else to find missing.
  for (let tries = 1; ; tries++) {
    try {
      return await undoingMadeDirs(sandbox, (made) => writeIn(sandbox, input, lex, content, made, expected));
    } catch (error) {
      if ((error as Error).cause !== "ENOENT" || tries === FOLDER_TRIES) throw error;
    }
  }
}

/** How often a write makes its folders again after they were removed under it. */
const FOLDER_TRIES = 3;

/** The folder a write was to land in was removed after it was opened; nothing was written. */
class FolderGone extends ToolError {
  constructor(input: string) {
    super(
      `${quote(input)}: its folder was removed while this write ran, ${FOLDER_TRIES} times (by another process, or a failed write undoing the folders it made); nothing written — call again`,
      { cause: "ENOENT" },
    );
  }
}

/** writeAtomic, making missing folders into `made` when given. */
async function writeIn(
  sandbox: Sandbox,
  input: string,
  lex: string,
  content: string | Buffer,
  made: MadeDirs | undefined,
  expected: Expected | undefined,
): Promise<WriteResult> {
  if (sandbox.isRoot(lex)) throw new ToolError(`${quote(input)}: is the workspace root, not a file`);
  if (namesDirectory(input)) {
    throw new ToolError(`${quote(input)}: ends in "/", which names a directory; give a file path`);
  }
  const dir = sandbox.openDir(input, path.dirname(lex), made);
  const name = path.basename(lex);
  let tempPath: string | undefined;
  try {
    sandbox.mutable(input, dir, name);
    const target = sandbox.child(dir, name);
    let mode: number | undefined;
    let owner: { uid: number; gid: number } | undefined;
    let otherLinks = 0;
    try {
      const existing = lstatSync(target);
      if (existing.isSymbolicLink()) {
        // Write through an in-workspace symlink to its verified target, as an editor would.
        const linked = openLinkTarget(sandbox, input, dir, name);
        closeSync(linked.fd);
        if (!linked.stat.isFile()) throw new ToolError(`${quote(input)}: symlink to a non-file; refused`);
        return await writeAtomic(sandbox, input, linked.real, content, false, expected);
      }
      if (existing.isDirectory()) {
        throw new ToolError(`${quote(input)}: is a directory; choose a file path inside it`);
      }
      if (!existing.isFile()) throw new ToolError(`${quote(input)}: not a regular file; refused`);
      // Renaming over a file needs no write permission on it; honour the file's own permission anyway
      // (and a file nobody may write is refused even for root).
      mode = existing.mode & 0o7777;
      owner = { uid: existing.uid, gid: existing.gid };
      otherLinks = existing.nlink - 1;
      if (expected) checkVersion(input, target, expected);
      if ((mode & 0o222) === 0) {
        throw new ToolError(`${quote(input)}: permission denied: the file is read-only (mode ${mode.toString(8)})`);
      }
      sandbox.call(input, () => accessSync(target, W_OK));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw sandbox.fsError(input, error);
    }
    if (expected && mode === undefined) checkVersion(input, target, expected);
    if (mode === undefined) refuseTwin(sandbox, input, dir.real, name);
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    tempPath = sandbox.child(dir, tempName(name));
    // Created without setuid, setgid or sticky: until its owner is given back (keptMode), it is the server's user's.
    const file = await open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, (mode ?? 0o666) & 0o777).catch(
      (error) => {
        const code = (error as NodeJS.ErrnoException).code;
        // The folder's descriptor is open, so it is the folder itself that is gone.
        if (code === "ENOENT" && made) throw new FolderGone(input);
        if (mode !== undefined && (code === "EACCES" || code === "EPERM")) {
          // The file may be writable: it is the folder that refuses the temp file the write goes through.
          throw new ToolError(
            `${quote(input)}: permission denied: the file is replaced through a new file written beside it, and its folder is not writable by the server's user (the file itself may be); the folder must be made writable`,
            { cause: code },
          );
        }
        if (code === "EACCES") throw folderNotWritable(input, sandbox.display(dir.real), "nothing written");
        throw sandbox.fsError(input, error);
      },
    );
    try {
      await writeAll(file, data);
      if (mode !== undefined) await file.chmod(await keptMode(file, mode, owner));
      await file.sync();
    } finally {
      await file.close();
    }
    // Again just before the rename, with no await between: a write that landed while this one wrote its temp file
    // (another process's, or one of ours) is refused, not overwritten. A new file is linked in, which fails if one
    // appeared meanwhile: one that must be new is refused, another replaces it, saying so; a replacement is renamed
    // over, which no check can make conditional.
    if (expected) checkVersion(input, target, expected);
    const placed = placeTemp(sandbox, input, tempPath, target, {
      replacing: mode !== undefined,
      mustBeNew: expected?.version === NEW_FILE,
    });
    tempPath = undefined;
    try {
      fsyncSync(dir.fd);
    } catch {
      // Some filesystems cannot fsync a directory; the rename itself is still atomic.
    }
    tracing().count("mcp_toolkit.file.bytes_written", data.length);
    const real = path.join(dir.real, name);
    const raced = placed === "taken";
    const created = mode === undefined && !raced;
    return { real, created, bytes: data.length, otherLinks, ...(raced ? { raced } : {}) };
  } catch (error) {
    throw sandbox.fsError(input, error);
  } finally {
    if (tempPath) {
      try {
        unlinkSync(tempPath);
      } catch {
        // Already gone.
      }
    }
    closeSync(dir.fd);
  }
}

/**
 * The temp file's name beside `name`: `.NAME.xxxxxxxxxxxx.tmp`, the name cut to 200 UTF-8 bytes, so the temp name keeps
 * within the 255 bytes a name may take however long the file's is (cut to 200 characters, a CJK name of 240 bytes
 * made a temp name of 258, and the file could not be written: "name too long").
 */
export function tempName(name: string): string {
  return `.${sliceUtf8(name, 200)}.${randomBytes(6).toString("hex")}.tmp`;
}

/** A new file whose name is an existing one's in another Unicode form would look the same and be another file. */
function refuseTwin(sandbox: Sandbox, input: string, dir: string, name: string): void {
  const twin = twinOfNewName(dir, name, (absolute) => sandbox.isHidden(absolute));
  if (twin === undefined) return;
  const existing = quotedName(path.join(path.dirname(input), twin));
  throw new ToolError(
    `${quote(input)}: not written: ${existing} is here, ${OTHER_FORM}, and a second file would look the same as it; write to ${existing}`,
  );
}

/**
 * Open what the symlink `name` in `dir` leads to, to write through it. One that leads nowhere (a missing target, or a
 * loop) inside the root is said as such: the link is there, and what to do is write its target or remove it.
 */
function openLinkTarget(sandbox: Sandbox, input: string, dir: Opened, name: string): Opened {
  try {
    return sandbox.open(input, sandbox.child(dir, name));
  } catch (error) {
    const code = (error as Error).cause;
    if (code === "ENOENT") {
      const target = sandbox.display(lastLink(path.join(dir.real, name)));
      throw new ToolError(
        `${quote(input)}: is a symlink to ${quotedName(target)}, which does not exist; write_file ${quotedName(target)} to create it, or delete_file the link first`,
      );
    }
    if (code === "ELOOP") {
      throw new ToolError(
        `${quote(input)}: is a symlink that loops back to itself; delete_file it first, or write to another path`,
      );
    }
    throw error;
  }
}

/** Where a chain of symlinks starting at `link` ends: the first path that is not a symlink (here, a missing one). */
function lastLink(link: string): string {
  let at = link;
  for (let hops = 0; hops < 40; hops++) {
    try {
      at = path.resolve(path.dirname(at), readlinkSync(at));
    } catch {
      return at;
    }
  }
  return at;
}
