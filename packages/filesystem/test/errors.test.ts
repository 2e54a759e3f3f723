import { describe, expect, it } from "vitest";
import {
  atFileLimit,
  fsError,
  hiddenError,
  notADirectoryError,
  notFound,
  outsideError,
  rootedFsError,
  ToolError,
} from "../src/errors.js";

function errno(code: string, message: string, syscall?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, ...(syscall ? { syscall } : {}) });
}

describe("fsError", () => {
  it.each([
    [errno("ENOENT", "ENOENT: no such file"), '"a.txt": not found — list_directory shows what exists'],
    [
      errno("ENXIO", "ENXIO: no such device or address, open '/srv/ws/a.txt'", "open"),
      '"a.txt": not a file that can be opened: a socket, or a device or FIFO with nothing on its other end',
    ],
    // Out of descriptors: the limit named, and when trying again can work.
    [
      errno("EMFILE", "EMFILE: too many open files, open '/srv/ws/a.txt'", "open"),
      '"a.txt": the server has as many files open as its limit allows (EMFILE, ulimit -n); try again once fewer calls are running',
    ],
    // Most often the process's RLIMIT_FSIZE, far below any filesystem's largest file.
    [
      errno("EFBIG", "EFBIG: file too large, write", "write"),
      '"a.txt": the file would grow past the largest file the server may write: its file-size limit (ulimit -f) or the filesystem\'s',
    ],
    // A full disk or quota: what the model can do about it itself, and who else can.
    [
      errno("ENOSPC", "ENOSPC: no space left on device, write", "write"),
      '"a.txt": no space left on device (the disk, or its count of files, is full): ask the user to free space, or delete_file a file you made here that is no longer needed',
    ],
    [
      errno("EDQUOT", "EDQUOT: disk quota exceeded, write", "write"),
      '"a.txt": disk quota exceeded (the server\'s user may store no more here): ask the user to raise the quota or free space, or delete_file a file you made here that is no longer needed',
    ],
    // A refusal by permissions, attributes or the mount says what the model can do next, not only what happened.
    [
      errno("EACCES", "EACCES: permission denied, open '/srv/ws/a.txt'", "open"),
      `"a.txt": permission denied: the server's user lacks the permission this needs, on the file or on a folder of its path (get_file_info shows a path's permissions); ask the user to grant it, or use another path`,
    ],
    [
      errno("EPERM", "EPERM: operation not permitted, unlink '/srv/ws/a.txt'", "unlink"),
      '"a.txt": operation not permitted: the file may be immutable or append-only (chattr +i or +a; lsattr shows it), or this needs its owner\'s rights; ask the user to lift that, or use another path',
    ],
    [
      errno("EROFS", "EROFS: read-only file system, open '/srv/ws/a.txt'", "open"),
      '"a.txt": read-only filesystem: nothing on this filesystem can be created, changed, moved or deleted; write in another root, or ask the user to remount it read-write',
    ],
    // A code with no wording of its own is named with its system call, never with Node's message and its host path.
    [errno("EWEIRD", "EWEIRD: something odd, open '/srv/ws/a.txt'", "open"), '"a.txt": EWEIRD (open)'],
    [errno("EWEIRD", "EWEIRD: something odd"), '"a.txt": EWEIRD'],
    [new Error("plain"), '"a.txt": error: plain'],
  ])("%s → %s", (error, expected) => {
    const made = fsError("a.txt", error);
    expect(made).toBeInstanceOf(ToolError);
    expect(made.message).toBe(expected);
  });

  it("keeps a ToolError as it is", () => {
    const own = new ToolError('"a.txt": changed while being opened; try again');
    expect(fsError("a.txt", own)).toBe(own);
  });
});

describe("rootedFsError", () => {
  const roots = ["/srv/a", "/srv/b"];
  it.each([
    [
      "a relative path not found, with other roots",
      "x.txt",
      roots,
      "ENOENT",
      / \(relative paths start at \/srv\/a; other roots: \/srv\/b\)$/,
    ],
    ["an absolute one", "/srv/b/x.txt", roots, "ENOENT", /not found — list_directory shows what exists$/],
    ["a ~ one (absolute too)", "~/x.txt", roots, "ENOENT", /not found — list_directory shows what exists$/],
    ["one root only", "x.txt", ["/srv/a"], "ENOENT", /not found — list_directory shows what exists$/],
    ["another failure", "x.txt", roots, "EACCES", /: permission denied: the server's user lacks/],
  ])("%s", (_, input, realRoots, code, message) => {
    const made = rootedFsError(input, errno(code, code), realRoots, "/home/u");
    expect(made.message).toMatch(message);
    expect(made.cause).toBe(code);
  });
});

describe("the sandbox's refusals", () => {
  it("counts --hide and outside-the-roots refusals under their causes", () => {
    expect(hiddenError("a/.env")).toMatchObject({
      refusal: "hidden",
      message: expect.stringContaining('"a/.env": kept'),
    });
    expect(outsideError("../x", ["/srv/a"], "/home/u")).toMatchObject({ refusal: "sandbox" });
  });

  it("tells a ~ path was taken for the home directory", () => {
    expect(outsideError("~/notes", ["/srv/a"], "/home/u").message).toContain("a leading ~ is the home directory");
    expect(outsideError("../notes", ["/srv/a"], "/home/u").message).not.toContain("~");
  });
});

describe("notADirectoryError", () => {
  it("names the file that stands where a folder must be, keeping ENOTDIR as the cause", () => {
    expect(notADirectoryError("notes.txt/a", "notes.txt")).toMatchObject({
      message: '"notes.txt/a": notes.txt is a file, not a directory',
      cause: "ENOTDIR",
    });
  });
});

describe("atFileLimit and notFound", () => {
  it.each<[string, unknown, boolean, boolean]>([
    ["EMFILE", errno("EMFILE", "EMFILE: too many open files"), true, false],
    ["ENFILE as a ToolError's cause", new ToolError("x", { cause: "ENFILE" }), true, false],
    ["ENOENT", errno("ENOENT", "ENOENT: no such file"), false, true],
    ["ENOENT as a ToolError's cause", new ToolError("x", { cause: "ENOENT" }), false, true],
    ["EACCES", errno("EACCES", "EACCES: permission denied"), false, false],
    ["no error at all", undefined, false, false],
  ])("%s", (_, error, limit, missing) => {
    expect(atFileLimit(error)).toBe(limit);
    expect(notFound(error)).toBe(missing);
  });
});
