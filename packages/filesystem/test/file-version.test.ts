import { closeSync, fstatSync, openSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { changedWhileRead, checkVersion, NEW_FILE, versionOf } from "../src/file-version.js";
import { tempDir } from "./helpers.js";

describe("file versions", () => {
  const ws = tempDir();
  const file = path.join(ws.dir, "v.txt");
  afterAll(() => ws.cleanup());

  it("is the first 16 hex digits of the SHA-256 of the bytes", () => {
    expect(versionOf(Buffer.from(""))).toBe("e3b0c44298fc1c14");
    expect(versionOf(Buffer.from("abc"))).toBe("ba7816bf8f01cfea");
  });

  it("sees a file written in place while it was open for a read, and not one left alone", () => {
    writeFileSync(file, "before");
    const fd = openSync(file, "r");
    try {
      const opened = fstatSync(fd);
      expect(changedWhileRead(fd, opened)).toBe(false);
      writeFileSync(file, "after, longer");
      expect(changedWhileRead(fd, opened)).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  it.each([
    ["the version it has", "abc", versionOf(Buffer.from("abc")), undefined],
    ["another version", "abc", versionOf(Buffer.from("abd")), /changed since it was read: it is now version ba7816bf/],
    ["a file over the hashed size", "x".repeat(100), versionOf(Buffer.from("x")), /it is now a file of 100 bytes/],
    [`"${NEW_FILE}" for a file that is there`, "abc", NEW_FILE, /exists \(version ba7816bf8f01cfea\)/],
  ])("checks %s", (_, content, expected, refusal) => {
    writeFileSync(file, content);
    const check = () => checkVersion("v.txt", file, { version: expected, maxBytes: 50 });
    if (refusal) expect(check).toThrow(refusal);
    else expect(check).not.toThrow();
  });
});
