import { describe, expect, it } from "vitest";
import { crOnly, crToLf, formNote, ShownText, textForm } from "../src/shown-text.js";

const le = (text: string) => Buffer.from(`\uFEFF${text}`, "utf16le");

/** The text ShownText makes of `bytes` fed in chunks of `size`, as a file of `form` (else judged from its bytes). */
function shown(bytes: Buffer, size: number, form = textForm(bytes)): string {
  const text = new ShownText(form);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(text.push(bytes.subarray(i, i + size)));
  out.push(text.end());
  return Buffer.concat(out).toString("utf8");
}

describe("textForm", () => {
  it.each([
    ["UTF-8 with LF", Buffer.from("a\nb\n"), { crLines: false }],
    ["UTF-8 with CRLF", Buffer.from("a\r\nb\r\n"), { crLines: false }],
    ["UTF-8 with CR alone", Buffer.from("a\rb\r"), { crLines: true }],
    ["no line end at all", Buffer.from("a"), { crLines: false }],
    ["UTF-16LE with CRLF", le("a\r\nb"), { encoding: "utf-16le", crLines: false }],
    ["UTF-16LE with CR alone", le("a\rb\r"), { encoding: "utf-16le", crLines: true }],
    // U+0A0D holds the bytes of LF and CR, and is neither.
    ["UTF-16LE whose bytes hold 0x0a", le("\u0a0d\r"), { encoding: "utf-16le", crLines: true }],
  ])("%s", (_, head, expected) => {
    expect(textForm(head)).toEqual({ encoding: undefined, ...expected });
  });

  it("judges line ends by the first 8 KiB only", () => {
    expect(textForm(Buffer.from(`${"x\r".repeat(4096)}\n`)).crLines).toBe(true);
    expect(textForm(Buffer.from(`${"x\r".repeat(4095)}\n`)).crLines).toBe(false);
  });
});

describe("ShownText", () => {
  const text = "Name\r\nalpha é\r\nbeta 😀\r\n";
  it.each([1, 2, 3, 7, 1024])("decodes UTF-16 in chunks of %i bytes, a pair split or not", (size) => {
    expect(shown(le(text), size)).toBe(text);
    expect(shown(le(text).swap16(), size)).toBe(text);
  });

  it.each([1, 2, 5])("turns CR line ends into LF in chunks of %i bytes, a CRLF once", (size) => {
    // Past the first 8 KiB, which judged the file CR-ended, a CRLF or LF ends a line too.
    expect(shown(Buffer.from("a\rb\rc\r\nd\ne"), size, { crLines: true })).toBe("a\nb\nc\nd\ne");
    expect(shown(le("a\rb\r"), size)).toBe("a\nb\n");
  });

  it("passes UTF-8 with LF or CRLF through untouched", () => {
    const bytes = Buffer.from("a\r\nb\n");
    expect(new ShownText(textForm(bytes)).push(bytes)).toBe(bytes);
  });

  it("shows an odd last byte as U+FFFD at the end", () => {
    expect(shown(Buffer.concat([le("ab"), Buffer.from([0x63])]), 2)).toBe("ab\uFFFD");
  });

  it("decodes a chunk read back from inside a file without a BOM", () => {
    const inner = le("xy").subarray(2);
    expect(Buffer.concat([new ShownText({ encoding: "utf-16le", crLines: false }, false).push(inner)]).toString()).toBe(
      "xy",
    );
  });
});

describe("crOnly, crToLf, formNote", () => {
  it("tells CR-only text and maps it to LF", () => {
    expect(crOnly("a\rb")).toBe(true);
    expect(crOnly("a\r\nb")).toBe(false);
    expect(crToLf("a\rb\r\nc")).toBe("a\nb\nc");
  });

  it("notes what is not UTF-8 with LF or CRLF, and nothing else", () => {
    expect(formNote({ crLines: false })).toBe("");
    expect(formNote({ encoding: "utf-16be", crLines: true })).toMatch(/^\[UTF-16BE text .*; lines end in CR alone/);
  });
});
