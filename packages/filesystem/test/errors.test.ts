import { describe, expect, it } from "vitest";
import { fsError, ToolError } from "../src/errors.js";

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
