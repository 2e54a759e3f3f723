import { describe, expect, it } from "vitest";
import { fsError } from "../src/errors.js";

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

describe("fsError", () => {
  it.each([
    [errno("ENOENT", "ENOENT: no such file"), '"a.txt": not found — list_directory shows what exists'],
    [
      errno("ENXIO", "ENXIO: no such device or address, open 'x'"),
      "\"a.txt\": ENXIO: no such device or address, open 'x'",
    ],
    [errno("EWEIRD", "something odd"), '"a.txt": EWEIRD: something odd'],
    [new Error("plain"), '"a.txt": error: plain'],
  ])("%s → %s", (error, expected) => {
    expect(fsError("a.txt", error).message).toBe(expected);
  });
});
