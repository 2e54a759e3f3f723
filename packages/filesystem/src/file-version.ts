// A file's version, as read_file reports it and write_file and edit_file check it (`expectedVersion`): the first 64
// bits of the SHA-256 of its bytes, 16 hex digits. A hash of the content, not the mtime: a `touch`, or a formatter
// that rewrites the same bytes, leaves it as it was, and a change within one mtime tick (ext4 stamps writes from a
// clock of a few milliseconds) still changes it. 64 bits tell two versions of one file apart at 1 in 2^64 by chance.
import { createHash, hash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { quote } from "./path-policy.js";
import { readAt } from "./read-io.js";
import { ToolError } from "./sandbox.js";

const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0 } = constants;

/** The `expectedVersion` that says the file must not exist yet: creating it, never replacing one made meanwhile. */
export const NEW_FILE = "new";

/** What a write expects of the file it replaces: its `version` (or NEW_FILE), hashed up to `maxBytes`. */
export interface Expected {
  version: string;
  maxBytes: number;
}

/** What the version looks like: 16 lowercase hex digits, or NEW_FILE. */
const VERSION = /^[0-9a-f]{16}$/;

/** Bytes hashed at a time from a file larger than what was already read. */
const CHUNK = 1024 * 1024;

/** The version of `bytes`. */
export function versionOf(bytes: Buffer): string {
  return hash("sha256", bytes, "hex").slice(0, 16);
}

/** read_file's last line: the version of the file it read. */
export function versionNote(version: string): string {
  return `[version ${version}]`;
}

/** The bytes versionNote adds to a reply, with the newline before it: room a read keeps for it. */
export const VERSION_NOTE_BYTES = versionNote("0".repeat(16)).length + 1;

/**
 * The version of the open file `fd` of `size` bytes, whose first bytes `head` holds already (all of them, for most
 * files); the rest is read off the main thread.
 */
export async function versionOfOpen(fd: number, size: number, head: Buffer): Promise<string> {
  if (head.length >= size) return versionOf(head.subarray(0, size));
  const hash = createHash("sha256").update(head);
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (let position = head.length; position < size; ) {
    const n = await readAt(fd, buffer, Math.min(CHUNK, size - position), position);
    if (n === 0) break;
    hash.update(buffer.subarray(0, n));
    position += n;
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * Whether the open file changed while it was read (another process writing it in place): its size or modification
 * time is no longer what they were when it was opened (`opened`).
 */
export function changedWhileRead(fd: number, opened: Stats): boolean {
  const now = fstatSync(fd);
  return now.size !== opened.size || now.mtimeMs !== opened.mtimeMs;
}

/** Refuse an `expectedVersion` that is neither a version read_file reported nor NEW_FILE, naming the argument. */
export function checkVersionArgument(input: string, expected: string | undefined): void {
  if (expected === undefined || expected === NEW_FILE || VERSION.test(expected)) return;
  throw new ToolError(
    `${quote(input)}: expectedVersion ${JSON.stringify(expected.slice(0, 40))} is not a version: give the 16 hex digits read_file ends with ([version …]), or "${NEW_FILE}" for a file that must not exist yet; nothing written`,
  );
}

/**
 * Refuse, with what to do, unless the file at `target` (a verified path) is at version `expected`: NEW_FILE when it
 * must not exist. Read synchronously, so nothing of this process runs between this check and the rename after it.
 */
export function checkVersion(input: string, target: string, { version: expected, maxBytes }: Expected): void {
  const current = currentVersion(target, maxBytes);
  if (current === expected) return;
  if (current === NEW_FILE) {
    throw new ToolError(
      `${quote(input)}: deleted since it was read (expectedVersion ${expected}); nothing written — read_file shows it does not exist: write it with expectedVersion "${NEW_FILE}" to create it again`,
    );
  }
  if (expected === NEW_FILE) {
    throw new ToolError(
      `${quote(input)}: exists (version ${current}), and expectedVersion "${NEW_FILE}" asks that it not; nothing written — read_file it, then write with its version to replace it`,
    );
  }
  throw new ToolError(
    `${quote(input)}: changed since it was read: it is now ${VERSION.test(current) ? `version ${current}` : current}, not ${expected}; nothing written — read_file it again, and make the change to what it holds now`,
  );
}

/**
 * The version of the regular file at `target` now, or NEW_FILE when there is none; refuses a non-file. One over
 * `maxBytes` is not hashed: read_file reports no version for it, so none given can be its.
 */
function currentVersion(target: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(target, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return NEW_FILE;
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw Object.assign(new Error("not a regular file"), { code: "EISDIR" });
    if (stat.size > maxBytes) return `a file of ${stat.size} bytes, too large to have a version`;
    const hash = createHash("sha256");
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null)) {
      hash.update(buffer.subarray(0, n));
    }
    return hash.digest("hex").slice(0, 16);
  } finally {
    closeSync(fd);
  }
}
