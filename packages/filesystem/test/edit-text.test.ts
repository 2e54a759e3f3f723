import { describe, expect, it } from "vitest";
import { editableText } from "../src/edit-text.js";

const le = (text: string) => Buffer.from(`\uFEFF${text}`, "utf16le");

describe("editableText", () => {
  it.each([
    ["UTF-8 with LF", Buffer.from("a\nb\n"), "a\nb\n"],
    ["UTF-8 with CRLF", Buffer.from("a\r\nb\r\n"), "a\r\nb\r\n"],
    ["UTF-8 with CR alone", Buffer.from("a\rb\r"), "a\nb\n"],
    ["UTF-16LE", le("a\r\nb 😀"), "a\r\nb 😀"],
    ["UTF-16BE with CR alone", le("a\rb").swap16(), "a\nb"],
    ["a BOM only", le(""), ""],
  ])("gives %s as text, and the same bytes back for it", (_, bytes, text) => {
    const form = editableText("f", bytes);
    expect(form.text).toBe(text);
    expect(form.encode(form.text)).toEqual(bytes);
  });

  it("spells an edit's line ends as a CR-ended file's text does", () => {
    const form = editableText("f", Buffer.from("a\rb"));
    expect(form.lines("x\ry\r\nz\n")).toBe("x\ny\nz\n");
    expect(form.encode("a\nX\nb")).toEqual(Buffer.from("a\rX\rb"));
    expect(editableText("f", Buffer.from("a\r\nb")).lines("x\ry")).toBe("x\ry");
  });

  it.each([
    ["binary", Buffer.from([0x61, 0, 0x62]), '"f": binary file; edit_file edits text only'],
    ["Latin-1", Buffer.from("caf\xe9", "latin1"), '"f": not UTF-8 at byte offset 3 (0xe9, line 1)'],
    ["UTF-16 with an odd last byte", Buffer.concat([le("a"), Buffer.from([1])]), "with an odd last byte (0x01"],
    ["UTF-16 with a lone surrogate", Buffer.from([0xfe, 0xff, 0xdc, 0, 0, 0x61]), "a lone surrogate 0xdc00"],
  ])("refuses %s", (_, bytes, reason) => {
    expect(() => editableText("f", bytes)).toThrow(reason);
  });
});
