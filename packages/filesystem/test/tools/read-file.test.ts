import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PNG, pngOf } from "../../../core/test/png.js";
import { Sandbox } from "../../src/sandbox.js";
import { connect, tempDir, textOf } from "../helpers.js";

const CAP = 4096;
/** One line of 20 KB, multi-byte characters straddling every page's edge somewhere. */
const LONG_LINE = Array.from({ length: 1200 }, (_, i) => `f${i}("é日")`).join(";");

describe("read_file", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i + 1} ${"x".repeat(i % 40)}`);
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "small.txt"), "héllo\nworld\n");
    writeFileSync(path.join(ws.dir, "many.txt"), `${lines.join("\n")}\n`);
    writeFileSync(path.join(ws.dir, "huge.txt"), "y".repeat(6 * 1024 * 1024)); // one 6 MB line
    writeFileSync(path.join(ws.dir, "big-lines.txt"), `${"z".repeat(1000)}\n`.repeat(7000)); // 7 MB
    writeFileSync(path.join(ws.dir, "minified.js"), `// head\n${LONG_LINE}\n// tail\n`);
    // 3 KB of Latin-1, under the cap as bytes; each 0xe9 shows as U+FFFD, three bytes, so 9 KB as text.
    writeFileSync(path.join(ws.dir, "latin1.txt"), Buffer.alloc(3000, 0xe9));
    writeFileSync(path.join(ws.dir, "empty.txt"), "");
    writeFileSync(path.join(ws.dir, "blob.bin"), Buffer.from([1, 2, 0, 3, 4]));
    writeFileSync(path.join(ws.dir, "pixel.png"), PNG);
    writeFileSync(path.join(ws.dir, "big.png"), Buffer.concat([PNG, Buffer.alloc(5000)]));
    writeFileSync(path.join(ws.dir, "cut.png"), PNG.subarray(0, 50));
    writeFileSync(path.join(ws.dir, "wide.png"), pngOf(9000, 20));
    writeFileSync(path.join(ws.dir, "tall.png"), pngOf(20, 8000));
    writeFileSync(path.join(ws.dir, "stub.gif"), Buffer.from("GIF89a\0\0", "latin1"));
    writeFileSync(path.join(ws.dir, "gif-history.txt"), "GIF89a added animation in 1989.\n");
    mkdirSync(path.join(ws.dir, "folder"));
    s = await connect({ root: ws.dir, maxResponseBytes: CAP, maxImageBytes: 2048 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("returns a small file whole", async () => {
    const result = await s.call("read_file", { path: "small.txt" });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe("héllo\nworld\n");
  });

  it("pages a long file under the cap, and the pages join up to the whole file", async () => {
    const seen: string[] = [];
    let offset = 1;
    for (let page = 0; page < 100; page++) {
      const text = textOf(await s.call("read_file", { path: "many.txt", offset }));
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(CAP);
      const note = /\n\[showing lines (\d+)–(\d+) of 2000(?:; call again with offset=(\d+)|; end of file)\]$/.exec(
        text,
      );
      expect(note, text.slice(-200)).not.toBeNull();
      expect(Number(note?.[1])).toBe(offset);
      seen.push(...text.slice(0, note?.index).split("\n"));
      if (!note?.[3]) break;
      offset = Number(note[3]);
    }
    expect(seen).toEqual(lines);
  });

  it("reads a window with offset and limit, head, and tail", async () => {
    expect(textOf(await s.call("read_file", { path: "many.txt", offset: 10, limit: 2 }))).toBe(
      `${lines[9]}\n${lines[10]}\n[showing lines 10–11 of 2000; call again with offset=12]`,
    );
    expect(textOf(await s.call("read_file", { path: "many.txt", head: 1 }))).toBe(
      `${lines[0]}\n[showing lines 1–1 of 2000; call again with offset=2]`,
    );
    expect(textOf(await s.call("read_file", { path: "many.txt", tail: 2 }))).toBe(
      `${lines[1998]}\n${lines[1999]}\n[showing lines 1999–2000 of 2000; earlier lines: offset=1997]`,
    );
  });

  it("never answers over the cap: a 6 MB single line and a 7 MB file", async () => {
    const one = textOf(await s.call("read_file", { path: "huge.txt" }));
    expect(Buffer.byteLength(one)).toBeLessThanOrEqual(CAP);
    // Read only so far past the page: the note gives a lower bound on the line's length, not the whole 6291456.
    const note =
      /\[line 1 is at least (\d+) bytes: showing bytes 1–\d+; rest of the line: offset=1 skip_bytes=\d+; next line: offset=2 if in the first 1\.0 GiB\]$/.exec(
        one,
      );
    expect(note, one.slice(-300)).not.toBeNull();
    expect(Number(note?.[1])).toBeLessThan(6291456);
    for (const args of [{}, { tail: 5000 }, { offset: 6000 }]) {
      const text = textOf(await s.call("read_file", { path: "big-lines.txt", ...args }));
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(CAP);
      expect(text).toMatch(/of 7000/);
    }
  });

  it("pages through a line over the cap with skip_bytes, as its note says, and the pages join up to the line", async () => {
    const pieces: string[] = [];
    let args: Record<string, number> = { offset: 2 };
    for (let page = 0; page < 20; page++) {
      const text = textOf(await s.call("read_file", { path: "minified.js", ...args }));
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(CAP);
      const note =
        /\n\[line 2 is (\d+) bytes, over the \d+-byte cap: showing bytes (\d+)–(\d+); rest of the line: offset=2 skip_bytes=(\d+); next line: offset=3\]$/.exec(
          text,
        );
      if (!note) {
        expect(text).toMatch(/\n\[showing lines 2–3 \(line 2 from its byte \d+ of \d+\) of 3; end of file\]$/);
        pieces.push(text.split("\n")[0] as string);
        break;
      }
      expect(Number(note[1])).toBe(Buffer.byteLength(LONG_LINE));
      expect(Number(note[2])).toBe((args.skip_bytes ?? 0) + 1);
      pieces.push(text.slice(0, note.index));
      args = { offset: 2, skip_bytes: Number(note[4]) };
    }
    expect(pieces.join("")).toBe(LONG_LINE);
    const past = await s.call("read_file", { path: "minified.js", offset: 2, skip_bytes: 10 ** 6 });
    expect(past.isError).toBe(true);
    expect(textOf(past)).toMatch(/skip_bytes=1000000 is at or past the end of line 2 \(\d+ bytes\); use a smaller/);
    const withTail = await s.call("read_file", { path: "minified.js", tail: 1, skip_bytes: 5 });
    expect(textOf(withTail)).toMatch(/tail cannot be combined with offset, limit, head or skip_bytes/);
  });

  it.each([
    ["cut.png", "image/png", "cut short: it has no IEND chunk, a PNG's end"],
    ["stub.gif", "image/gif", "too short for a GIF's header"],
  ])(
    "refuses %s, which starts as an image but is not a whole one, instead of sending what an API would refuse",
    async (file, type, problem) => {
      const result = await s.call("read_file", { path: file });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain(
        `"${file}": starts as ${type} but is not a whole image (${problem}); not sent, as a model's API would refuse it — get_file_info shows its size`,
      );
    },
  );

  it("keeps a file that is not UTF-8 within the cap, though its bytes are under it", async () => {
    const text = textOf(await s.call("read_file", { path: "latin1.txt" }));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(CAP);
    expect(text).toMatch(
      /\[line 1 is 3000 bytes, over the \d+-byte cap: showing bytes 1–\d+; rest of the line: offset=1 skip_bytes=\d+\]/,
    );
  });

  it("reads as text a text file that only starts like an image", async () => {
    expect(textOf(await s.call("read_file", { path: "gif-history.txt" }))).toBe("GIF89a added animation in 1989.\n");
  });

  it("refuses binary files with a pointer to get_file_info, and returns images as images", async () => {
    const blob = await s.call("read_file", { path: "blob.bin" });
    expect(blob.isError).toBe(true);
    expect(textOf(blob)).toMatch(/binary file .*get_file_info/);
    const image = await s.call("read_file", { path: "pixel.png" });
    expect(image.content).toEqual([{ type: "image", mimeType: "image/png", data: PNG.toString("base64") }]);
    const big = await s.call("read_file", { path: "big.png" });
    expect(big.isError).toBe(true);
    expect(textOf(big)).toMatch(/image\/png of .* over the 2\.0 KiB image limit, set by maxImageBytes;/);
  });

  it("refuses an image longer than maxImageSide on a side, which Claude's API would refuse, and sends one at it", async () => {
    const wide = await s.call("read_file", { path: "wide.png" });
    expect(wide.isError).toBe(true);
    expect(textOf(wide)).toBe(
      `read_file failed: "wide.png": image/png of 9000×20 px, over the 8000-px limit on its longer side, set by maxImageSide; not sent, as Claude's API refuses a larger image and the whole request with it — a copy scaled down to fewer pixels can be read`,
    );
    const tall = await s.call("read_file", { path: "tall.png" });
    expect(tall.content).toEqual([{ type: "image", mimeType: "image/png", data: pngOf(20, 8000).toString("base64") }]);
  });

  it.each([
    [{ path: "missing.txt" }, /"missing.txt": not found — list_directory shows what exists/],
    [{ path: "folder" }, /is a directory — list_directory/],
    [{ path: "many.txt", offset: 5000 }, /offset=5000 is past the end \(2000 lines\)/],
    [{ path: "many.txt", tail: 3, offset: 2 }, /tail cannot be combined/],
    [{ path: "many.txt", head: 3, limit: 2 }, /head and limit both set/],
    [{ path: "many.txt", offset: 0 }, /offset must be a whole number ≥ 1, got 0/],
    [{ path: "many.txt", limit: 1.5 }, /limit must be a whole number/],
  ])("refuses %j with a message to act on", async (args, message) => {
    const result = await s.call("read_file", args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });

  it("quotes a path it was sent with its control and bidi characters escaped, not raw", async () => {
    const result = await s.call("read_file", { path: "a\u202Etxt.exe\u2066b\u2069\nfake line\u0085" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('"a\\u202etxt.exe\\u2066b\\u2069\\nfake line\\u0085": not found');
    expect(textOf(result)).not.toMatch(/[\u202e\u2066\u2069\u0085\n]/);
  });

  it("says an empty file is empty", async () => {
    expect(textOf(await s.call("read_file", { path: "empty.txt" }))).toBe("[empty file]");
  });
});

describe("read_file of text that is not UTF-8", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  const NOTE =
    "[not UTF-8 from byte 3 (0xe9, line 1): such bytes are shown as U+FFFD; edit_file refuses this file, and write_file of this text would replace them]";
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "latin1.txt"), Buffer.from("caf\xe9\nna\xefve\n", "latin1"));
    writeFileSync(path.join(ws.dir, "replacement.txt"), "a real \uFFFD is UTF-8\n");
    writeFileSync(
      path.join(ws.dir, "long-latin1.txt"),
      Buffer.from(`caf\xe9\n${"x".repeat(60)}\n`.repeat(100), "latin1"),
    );
    s = await connect({ root: ws.dir, maxResponseBytes: 1024 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("ends the text with a note naming the first such byte, so the text is not taken for the file's", async () => {
    expect(textOf(await s.call("read_file", { path: "latin1.txt" }))).toBe(`caf\uFFFD\nna\uFFFDve\n\n${NOTE}`);
    const many = textOf(await s.call("read_multiple_files", { paths: ["latin1.txt"] }));
    expect(many).toContain(NOTE);
  });

  it("keeps a paged read with the note within the response cap", async () => {
    const text = textOf(await s.call("read_file", { path: "long-latin1.txt" }));
    expect(text.endsWith(NOTE)).toBe(true);
    expect(text).toMatch(/\[showing lines 1–\d+ of 200; call again with offset=\d+\]/);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024);
  });

  it("adds nothing to a UTF-8 file, even one holding U+FFFD itself", async () => {
    expect(textOf(await s.call("read_file", { path: "replacement.txt" }))).toBe("a real \uFFFD is UTF-8\n");
  });

  it("reads a file that grows while it is read as it was when opened, so a busy log cannot keep the read going", async () => {
    const log = path.join(ws.dir, "growing.log");
    const numbered = (from: number) => Array.from({ length: 30000 }, (_, i) => `entry ${from + i}\n`).join("");
    writeFileSync(log, numbered(1)); // about 360 KB: past the size read in one go
    const open = Sandbox.prototype.open;
    // The writer adds as much again right after the server opens the file.
    const spy = vi.spyOn(Sandbox.prototype, "open").mockImplementation(function (this: Sandbox, ...args) {
      const opened = open.apply(this, args);
      appendFileSync(log, numbered(30001));
      return opened;
    });
    try {
      const text = textOf(await s.call("read_file", { path: "growing.log", tail: 1 }));
      expect(text.split("\n")[0]).toBe("entry 30000");
      expect(text).toContain("of 30000");
    } finally {
      spy.mockRestore();
    }
  });
});

describe("read_file of UTF-16 and CR-ended text", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  const le = (text: string) => Buffer.from(`\uFEFF${text}`, "utf16le");
  const be = (text: string) => le(text).swap16();
  const NOTE_LE =
    "[UTF-16LE text (it has a byte order mark), shown decoded: edit_file and write_file keep its encoding]";
  const NOTE_CR = "[lines end in CR alone (classic Mac), shown as line breaks: edit_file writes them back as CR]";
  const lines = Array.from({ length: 400 }, (_, i) => `row ${i + 1} é日😀`);
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "ps.txt"), le("Name  Value\r\nalpha 1\r\nbeta  2\r\n"));
    writeFileSync(path.join(ws.dir, "be.txt"), be("first\nsecond é\nthird\n"));
    writeFileSync(path.join(ws.dir, "rows.txt"), le(`${lines.join("\n")}\n`));
    // Over the 256 KiB read at once: streamed in chunks, a character's two bytes and a pair's four split among them.
    writeFileSync(path.join(ws.dir, "big.txt"), le(`${lines.join("\n")}\n`.repeat(60)));
    writeFileSync(path.join(ws.dir, "long.txt"), le(`${LONG_LINE}\nnext\n`));
    writeFileSync(path.join(ws.dir, "bom-only.txt"), le(""));
    writeFileSync(path.join(ws.dir, "odd.txt"), Buffer.concat([le("ab\n"), Buffer.from([0x63])]));
    writeFileSync(path.join(ws.dir, "unmarked.txt"), Buffer.from("no byte order mark\r\n", "utf16le"));
    writeFileSync(path.join(ws.dir, "mac.csv"), Buffer.from("a,b\rone,1\rtwo,2\rthree,3\r"));
    writeFileSync(path.join(ws.dir, "mac16.txt"), le("x\ry\rz"));
    s = await connect({ root: ws.dir, maxResponseBytes: CAP });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });
  const read = async (args: Record<string, unknown>) => textOf(await s.call("read_file", args));

  it("decodes a BOM-marked file, either byte order, and says which", async () => {
    expect(await read({ path: "ps.txt" })).toBe(`Name  Value\r\nalpha 1\r\nbeta  2\r\n\n${NOTE_LE}`);
    expect(await read({ path: "be.txt", offset: 2, limit: 1 })).toBe(
      "second é\n[showing lines 2–2 of 3; call again with offset=3]\n[UTF-16BE text (it has a byte order mark), shown decoded: edit_file and write_file keep its encoding]",
    );
  });

  it("pages by lines, head and tail, within the cap", async () => {
    expect(await read({ path: "rows.txt", head: 2 })).toBe(
      `row 1 é日😀\nrow 2 é日😀\n[showing lines 1–2 of 400; call again with offset=3]\n${NOTE_LE}`,
    );
    expect(await read({ path: "rows.txt", tail: 1 })).toBe(
      `row 400 é日😀\n[showing lines 400–400 of 400; earlier lines: offset=399]\n${NOTE_LE}`,
    );
    const whole = await read({ path: "rows.txt" });
    expect(Buffer.byteLength(whole)).toBeLessThanOrEqual(CAP);
    expect(whole).toMatch(/^row 1 é日😀\n[\s\S]*\n\[showing lines 1–\d+ of 400; call again with offset=\d+\]\n/);
  });

  it("streams a large file in chunks without splitting a character", async () => {
    const text = await read({ path: "big.txt", offset: 23_999, limit: 2 });
    expect(text).toBe(
      `row 399 é日😀\nrow 400 é日😀\n[showing lines 23999–24000 of 24000; call again with offset=24001]\n${NOTE_LE}`.replace(
        "; call again with offset=24001",
        "; end of file",
      ),
    );
  });

  it("pages through a line over the cap with skip_bytes, counted in the text's UTF-8 bytes", async () => {
    const page = (text: string) => text.slice(0, text.indexOf("\n[line 1 is"));
    const first = await read({ path: "long.txt", offset: 1 });
    const skip = Number(/skip_bytes=(\d+)/.exec(first)?.[1]);
    expect(Buffer.byteLength(page(first))).toBe(skip);
    const second = await read({ path: "long.txt", offset: 1, skip_bytes: skip });
    expect(LONG_LINE.startsWith(page(first) + page(second))).toBe(true);
    expect(second).toContain("; next line: offset=2]");
  });

  it("shows a BOM-only file as empty, an odd last byte as U+FFFD", async () => {
    expect(await read({ path: "bom-only.txt" })).toBe(`[empty file]\n${NOTE_LE}`);
    expect(await read({ path: "odd.txt" })).toBe(`ab\n\uFFFD\n${NOTE_LE}`);
  });

  it("refuses UTF-16 without a BOM as binary, saying what it looks like", async () => {
    const result = await s.call("read_file", { path: "unmarked.txt" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("looks like UTF-16 without a byte order mark, which is not guessed at");
  });

  it("pages a file whose lines end in CR alone by those lines", async () => {
    expect(await read({ path: "mac.csv" })).toBe(`a,b\none,1\ntwo,2\nthree,3\n\n${NOTE_CR}`);
    expect(await read({ path: "mac.csv", offset: 3, limit: 1 })).toBe(
      `two,2\n[showing lines 3–3 of 4; call again with offset=4]\n${NOTE_CR}`,
    );
    expect(await read({ path: "mac16.txt", tail: 1 })).toBe(
      `z\n[showing lines 3–3 of 3; earlier lines: offset=2]\n[UTF-16LE text (it has a byte order mark), shown decoded: edit_file and write_file keep its encoding; lines end in CR alone (classic Mac), shown as line breaks: edit_file writes them back as CR]`,
    );
  });
});
