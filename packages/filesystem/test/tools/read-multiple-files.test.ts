import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, tempDir, textOf } from "../helpers.js";

const CAP = 4096;

describe("read_multiple_files", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "a.txt"), "alpha");
    writeFileSync(path.join(ws.dir, "b.txt"), "beta");
    writeFileSync(path.join(ws.dir, "long.txt"), `${"long line\n".repeat(5000)}`);
    s = await connect({ root: ws.dir, maxResponseBytes: CAP, maxFiles: 4 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("reads each file, and one failure doesn't stop the rest", async () => {
    const result = await s.call("read_multiple_files", { paths: ["a.txt", "missing.txt", "../x", "b.txt"] });
    expect(result.isError).toBeFalsy();
    const text = textOf(result);
    expect(text).toContain("== a.txt ==\nalpha\n");
    expect(text).toMatch(/== missing.txt ==\n\[error: "missing.txt": not found/);
    expect(text).toMatch(/== \.\.\/x ==\n\[error: .*outside the workspace root/);
    expect(text).toContain("== b.txt ==\nbeta\n");
  });

  it("shares one byte budget: a long file is paged and the others still fit", async () => {
    const text = textOf(await s.call("read_multiple_files", { paths: ["long.txt", "a.txt", "long.txt", "b.txt"] }));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(CAP);
    expect(text).toMatch(/\[showing lines 1–\d+ of 5000; read_file "long.txt" with offset=\d+\]/);
    expect(text).toContain("alpha");
    expect(text).toContain("beta");
  });

  it("reads at most maxFiles paths and says how many it left", async () => {
    const text = textOf(
      await s.call("read_multiple_files", { paths: ["a.txt", "a.txt", "a.txt", "a.txt", "b.txt", "b.txt"] }),
    );
    expect(text).toContain("[2 more paths not read: at most 4 per call, set by maxFiles]");
    expect(text).not.toContain("beta");
  });

  it("at the smallest response cap, reads as many files as fit, in order, and stays under the cap", async () => {
    const small = tempDir();
    const names = Array.from({ length: 30 }, (_, i) => `f${String(i).padStart(2, "0")}.txt`);
    for (const name of names) writeFileSync(path.join(small.dir, name), `${name} `.repeat(5)); // 35 bytes each
    const tiny = await connect({ root: small.dir, maxResponseBytes: 1024 });
    try {
      for (const count of [3, 5, 8, 13]) {
        const text = textOf(await tiny.call("read_multiple_files", { paths: names.slice(0, count) }));
        expect(text.match(/^== f\d\d\.txt ==$/gm)).toHaveLength(count);
        expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024);
        expect(text).not.toContain("not read");
      }
      const text = textOf(await tiny.call("read_multiple_files", { paths: names }));
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024);
      const headers = text.match(/^== f\d\d\.txt ==$/gm) ?? [];
      expect(headers.length).toBeGreaterThan(13);
      expect(headers).toEqual(names.slice(0, headers.length).map((name) => `== ${name} ==`));
      expect(text).toContain(
        `[${30 - headers.length} more paths not read, paths[${headers.length}] on: the 1024-byte response limit, set by maxResponseBytes, is used up; read them in another call]`,
      );
    } finally {
      await tiny.close();
      small.cleanup();
    }
  });

  it("bounds the note on paths not read, however many there are and however long", async () => {
    const small = tempDir();
    writeFileSync(path.join(small.dir, "big.txt"), "a line of text\n".repeat(1000));
    const tiny = await connect({ root: small.dir, maxResponseBytes: 1024, maxFiles: 100_000 });
    try {
      const paths = [
        ...Array.from({ length: 20 }, () => "big.txt"),
        ...Array.from({ length: 5000 }, (_, i) => `${"x".repeat(300)}${i}`),
      ];
      const text = textOf(await tiny.call("read_multiple_files", { paths }));
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024);
      expect(text).toMatch(/\[showing lines 1–\d+ of 1000; read_file "big.txt" with offset=\d+\]/);
      expect(text).toMatch(/\[\d+ more paths not read, paths\[\d+\] on: /);
      expect(text).not.toContain("xxx");
    } finally {
      await tiny.close();
      small.cleanup();
    }
  });

  it("shows a very long path's start in its header, and a long error cut to the file's share", async () => {
    const long = `${"d".repeat(3000)}/missing.txt`;
    const text = textOf(await s.call("read_multiple_files", { paths: [long, "a.txt"] }));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(CAP);
    expect(text).toMatch(/^== d{197}… ==\n\[error: /m);
    expect(text).toContain("== a.txt ==\nalpha\n");
  });

  it("refuses an empty list", async () => {
    const result = await s.call("read_multiple_files", { paths: [] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("paths is empty");
  });
});

describe("read_multiple_files of UTF-16 and CR-ended text", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "le.txt"), Buffer.from("\uFEFFalpha é\r\n", "utf16le"));
    writeFileSync(path.join(ws.dir, "mac.txt"), "one\rtwo\r");
    s = await connect({ root: ws.dir, maxResponseBytes: CAP });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("decodes each, with the note read_file gives", async () => {
    expect(textOf(await s.call("read_multiple_files", { paths: ["le.txt", "mac.txt"] }))).toBe(
      "== le.txt ==\nalpha é\r\n\n[UTF-16LE text (it has a byte order mark), shown decoded: edit_file and write_file keep its encoding]\n\n== mac.txt ==\none\ntwo\n\n[lines end in CR alone (classic Mac), shown as line breaks: edit_file writes them back as CR]\n",
    );
  });
});
