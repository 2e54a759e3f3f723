// The bytes and the ownership of a replacement file (write.ts): every byte written, whatever a write takes, and the
// replaced file's owner, group and mode given back.

const CHUNK = 1024 * 1024;

/** What writeAll needs of a file handle. */
export interface Writable {
  write(data: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }>;
}

/**
 * Write all of `data`, in chunks. A write may take fewer bytes than asked (a full disk takes what fits and says
 * nothing): the rest is written again, so the disk's ENOSPC comes as an error instead of a file cut short.
 */
export async function writeAll(file: Writable, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await file.write(data, offset, Math.min(CHUNK, data.length - offset));
    if (bytesWritten <= 0) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    offset += bytesWritten;
  }
}

/**
 * The mode the replacement keeps, after giving it the replaced file's owner and group (the temp file is the server's:
 * as root, every file written would become root's). Where that is not allowed, the file becomes the server's user's,
 * and setuid and setgid are dropped, as the kernel drops them when another user writes a file.
 */
export async function keptMode(
  file: { chown(uid: number, gid: number): Promise<void> },
  mode: number,
  owner: { uid: number; gid: number } | undefined,
): Promise<number> {
  if (!owner) return mode;
  try {
    await file.chown(owner.uid, owner.gid);
    return mode;
  } catch {
    return mode & ~0o6000;
  }
}
