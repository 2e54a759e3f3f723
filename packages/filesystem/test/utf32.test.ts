import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unmarkedLayout } from "../src/utf16.js";
import { decodeUtf32, encodeUtf32, Utf32Decoder, utf32Fault } from "../src/utf32.js";
import { connect, tempDir, textOf } from "./helpers.js";

/** `text` as a BOM-marked UTF-32 file, written unit by unit (no encoder of the module under test). */
function utf32(text: string, encoding: "utf-32le" | "utf-32be" = "utf-32le"): Buffer {
  const points = [0xfeff, ...[...text].map((char) => char.codePointAt(0) ?? 0)];
  const bytes = Buffer.alloc(4 * points.length);
  for (const [i, point] of points.entries()) {
    if (encoding === "utf-32le") bytes.writeUInt32LE(point, 4 * i);
    else bytes.writeUInt32BE(point, 4 * i);
  }
  return bytes;
}

describe("decodeUtf32 / encodeUtf32", () => {
  it.each([
    ["ASCII with CRLF", "a\r\nb\r\n"],
    ["accents, CJK and an emoji (one unit, two UTF-16 ones)", "é日😀\n"],
    ["a leading U+FEFF after the BOM", "\uFEFFzero-width no-break space"],
    ["nothing", ""],
  ])("round-trips %s, both byte orders", (_, text) => {
    for (const encoding of ["utf-32le", "utf-32be"] as const) {
      const bytes = utf32(text, encoding);
      expect(decodeUtf32(bytes, encoding)).toBe(text);
      expect(encodeUtf32(text, encoding)).toEqual(bytes);
    }
  });

  it("decodes a unit that is no character, and bytes left over, as U+FFFD", () => {
    const bad = Buffer.concat([utf32("a"), Buffer.from([0, 0, 0x11, 0, 0x00, 0xd8, 0, 0, 0x42])]);
    expect(decodeUtf32(bad, "utf-32le")).toBe("a\uFFFD\uFFFD\uFFFD");
  });

  it("decodes in chunks split anywhere, as a whole", () => {
    const bytes = utf32("é日😀\nline two\n".repeat(3000), "utf-32be").subarray(4);
    for (const size of [1, 3, 5, 4096]) {
      const decoder = new Utf32Decoder("utf-32be");
      const parts: string[] = [];
      for (let at = 0; at < bytes.length; at += size) {
        parts.push(decoder.decode(bytes.subarray(at, at + size), { stream: true }));
      }
      parts.push(decoder.decode());
      expect(parts.join("")).toBe("é日😀\nline two\n".repeat(3000));
    }
  });

  it("decodes chunks read into one buffer used again, as read_file's are, keeping its own copy of a cut unit", () => {
    const bytes = utf32("é日😀 wörld", "utf-32le").subarray(4);
    const decoder = new Utf32Decoder("utf-32le");
    const buffer = Buffer.alloc(6);
    const parts: string[] = [];
    for (let at = 0; at < bytes.length; at += buffer.length) {
      const n = bytes.copy(buffer, 0, at, at + buffer.length);
      parts.push(decoder.decode(buffer.subarray(0, n), { stream: true }));
    }
    parts.push(decoder.decode());
    expect(parts.join("")).toBe("é日😀 wörld");
  });
});

describe("utf32Fault", () => {
  it.each([
    ["clean text", utf32("a😀b"), undefined],
    ["a BOM only", utf32(""), undefined],
    ["a unit past U+10FFFF", Buffer.concat([utf32("a"), Buffer.from([0, 0, 0x11, 0])]), "a unit 0x110000"],
    ["a surrogate", Buffer.concat([utf32("a"), Buffer.from([0x3d, 0xd8, 0, 0])]), "a unit 0xd83d, not a character"],
    ["two bytes over", Buffer.concat([utf32("ab"), Buffer.from([0x63, 0])]), "2 bytes left over at the end (from"],
  ])("%s", (_, bytes, expected) => {
    const fault = utf32Fault(bytes, "utf-32le");
    if (expected === undefined) expect(fault).toBeUndefined();
    else expect(fault).toContain(expected);
  });
});

describe("unmarkedLayout", () => {
  const unmarked = (text: string, encoding: "utf-32le" | "utf-32be") => utf32(text, encoding).subarray(4);
  it.each([
    ["unmarked UTF-32LE text", unmarked("no byte order mark é日\r\n", "utf-32le"), "UTF-32"],
    ["unmarked UTF-32BE text", unmarked("no byte order mark é日\r\n", "utf-32be"), "UTF-32"],
    ["unmarked UTF-16LE text", Buffer.from("no byte order mark\r\n", "utf16le"), "UTF-16"],
    ["a binary with scattered NULs", Buffer.from([1, 2, 0, 3, 4, 0, 0, 0, 9, 9, 9, 9]), undefined],
    ["all NULs", Buffer.alloc(64), undefined],
    ["one unit", unmarked("a", "utf-32le"), undefined],
  ])("%s", (_, bytes, expected) => {
    expect(unmarkedLayout(bytes)).toBe(expected);
  });
});

describe("the tools on BOM-marked UTF-32 text", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  const file = (name: string) => path.join(ws.dir, name);
  const NOTE = "[UTF-32LE text (it has a byte order mark), shown decoded: edit_file and write_file keep its encoding]";
  const rows = Array.from({ length: 400 }, (_, i) => `row ${i + 1} é日😀`).join("\n");
  beforeAll(async () => {
    writeFileSync(file("le.txt"), utf32("first\nsecond é\nthird 😀\n"));
    // Over the 256 KiB read at once: streamed in chunks that split its units.
    writeFileSync(file("big.txt"), utf32(`${rows}\n`.repeat(60)));
    writeFileSync(file("unmarked.txt"), utf32("no byte order mark\n", "utf-32be").subarray(4));
    s = await connect({ root: ws.dir, maxResponseBytes: 4096, maxFileBytes: 200 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });
  const read = async (args: Record<string, unknown>) => textOf(await s.call("read_file", args));

  it("reads it decoded, paged by lines, and says so", async () => {
    expect(await read({ path: "le.txt" })).toBe(`first\nsecond é\nthird 😀\n\n${NOTE}`);
    expect(await read({ path: "le.txt", offset: 2, limit: 1 })).toBe(
      `second é\n[showing lines 2–2 of 3; call again with offset=3]\n${NOTE}`,
    );
    expect(await read({ path: "big.txt", offset: 23_999, limit: 2 })).toBe(
      `row 399 é日😀\nrow 400 é日😀\n[showing lines 23999–24000 of 24000; end of file]\n${NOTE}`,
    );
    expect(await read({ path: "big.txt", tail: 1 })).toBe(
      `row 400 é日😀\n[showing lines 24000–24000 of 24000; earlier lines: offset=23999]\n${NOTE}`,
    );
  });

  it("refuses it without a BOM as binary, saying what it looks like", async () => {
    expect(await read({ path: "unmarked.txt" })).toBe(
      'read_file failed: "unmarked.txt": binary file (76 B), not shown as text: it looks like UTF-32 without a byte order mark, which is not guessed at (saved as UTF-8, or as UTF-32 with its BOM, it reads as text); get_file_info shows its details',
    );
    expect(textOf(await s.call("get_file_info", { path: "unmarked.txt" }))).toContain(
      "type: file (binary, laid out as UTF-32 without a byte order mark, which is not decoded: read_file refuses it)",
    );
  });

  it("names its encoding in get_file_info and greps it", async () => {
    const info = await s.call("get_file_info", { path: "le.txt" });
    expect(info.structuredContent).toMatchObject({ content: "text", utf8: false, encoding: "UTF-32LE" });
    const found = await s.call("search_files", { pattern: "le.txt", content: "second" });
    expect(textOf(found)).toBe("le.txt:2: second é");
  });

  it("edits it in its encoding, byte for byte outside the edit, and refuses one that would not come back", async () => {
    writeFileSync(file("be.txt"), utf32("a\r\nb 😀\r\n", "utf-32be"));
    const result = await s.call("edit_file", { path: "be.txt", edits: [{ oldText: "b 😀", newText: "b ✓" }] });
    expect(textOf(result)).toContain("+b ✓");
    expect(readFileSync(file("be.txt"))).toEqual(utf32("a\r\nb ✓\r\n", "utf-32be"));
    const bad = Buffer.concat([utf32("ab"), Buffer.from([0, 0, 0x11, 0])]);
    writeFileSync(file("bad.txt"), bad);
    const refused = await s.call("edit_file", { path: "bad.txt", edits: [{ oldText: "a", newText: "A" }] });
    expect(textOf(refused)).toBe(
      'edit_file failed: "bad.txt": UTF-32LE file with a unit 0x110000, not a character, at byte offset 12, which would be written back as U+FFFD; edit_file changed nothing (write_file can replace the whole file)',
    );
    expect(readFileSync(file("bad.txt"))).toEqual(bad);
  });

  it("keeps its encoding when write_file replaces it, and says so", async () => {
    writeFileSync(file("w.txt"), utf32("old\n", "utf-32be"));
    const result = await s.call("write_file", { path: "w.txt", content: "\uFEFFnew 😀\n" });
    expect(textOf(result)).toBe(
      "replaced w.txt (28 bytes); written as UTF-32BE with its byte order mark, as the file was (to make it UTF-8, delete_file it first)",
    );
    expect(readFileSync(file("w.txt"))).toEqual(utf32("new 😀\n", "utf-32be"));
    const over = await s.call("write_file", { path: "w.txt", content: "x".repeat(60) });
    expect(textOf(over)).toContain("content is 244 B, over the 200 B write limit");
  });
});
