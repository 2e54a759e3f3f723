import { describe, expect, it } from "vitest";
import { namedBoundary, unpartedText } from "../src/multipart-boundary.js";

describe("namedBoundary", () => {
  it.each([
    ["multipart/form-data", undefined],
    ["multipart/form-data; boundary=XyZ", "XyZ"],
    ['multipart/form-data; charset=utf-8; boundary="a b:c=d?"', "a b:c=d?"],
    // The boundary= inside another parameter's quoted value is not the boundary.
    ['multipart/form-data; x="; boundary=evil"; boundary=real', "real"],
    [`multipart/form-data; boundary=${"b".repeat(70)}`, "b".repeat(70)],
  ])("%j names %j", (type, boundary) => {
    expect(namedBoundary(type)).toEqual({ boundary });
  });

  it.each([
    [
      'multipart/form-data; boundary="a\\"b"',
      `the boundary "a\\"b" (boundary="a\\"b", read as RFC 9110 reads a quoted string) that the Content-Type names cannot delimit multipart parts: a boundary is 1 to 70 letters, digits, spaces and '()+_,-./:=? (not ending in a space; RFC 2046), and this one has "\\""; nothing was sent. Name one of those characters only, or give the body as an object of fields without a boundary and one is chosen`,
    ],
    [
      'multipart/form-data; boundary="a\\bc"',
      'the Content-Type writes its boundary with a backslash escape (boundary="a\\bc"), which receivers read differently (RFC 9110 as "abc", others with the backslash kept); nothing was sent. Write it without one: boundary="abc"',
    ],
    ['multipart/form-data; boundary="a\\\\b"', 'and this one has "\\\\"'],
    ["multipart/form-data; boundary=", "and this one is empty"],
    ['multipart/form-data; boundary="ab "', "and this one ends in a space"],
    [`multipart/form-data; boundary=${"b".repeat(71)}`, "and this one is 71 characters long"],
    ["multipart/form-data; boundary=é", 'and this one has "é"'],
    [
      "multipart/form-data; boundary=a; boundary=b",
      "the Content-Type names 2 boundaries (boundary=a, boundary=b), and receivers differ in which one they cut the body at; nothing was sent. Name one",
    ],
    [
      'multipart/form-data; boundary="a"b',
      `the Content-Type's boundary="a"b has text after its value, which receivers read differently; nothing was sent`,
    ],
    ['multipart/form-data; boundary="open', `the Content-Type's boundary="open has text after its value`],
  ])("refuses %j", (type, message) => {
    expect(namedBoundary(type)).toEqual({ error: expect.stringContaining(message) });
  });
});

describe("unpartedText", () => {
  it.each([
    ['--X\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--X--\r\n', "X"],
    // A preamble before the first delimiter line is allowed (RFC 2046), and so are bare LF line ends.
    ['preamble\r\n--X\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--X--\r\n', "X"],
    ['--a b\nContent-Disposition: form-data; name="a"\n\n1\n--a b--\n', "a b"],
  ])("finds a part in %j under %j", (text, boundary) => {
    expect(unpartedText(text, boundary)).toBeUndefined();
  });

  it.each([
    ["name=alice&age=3", "X", 'never holds "--X"'],
    ["", "X", 'never holds "--X"'],
    // Boundaries are compared as written: case counts.
    ['--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n', "X", 'never holds "--X"'],
    ["a=1 --X b=2", "X", 'holds "--X" only inside a line, where it delimits nothing'],
  ])("refuses %j under %j: it %s", (text, boundary, why) => {
    expect(unpartedText(text, boundary)).toBe(
      `the multipart body is cut into parts at lines starting "--" and the boundary its Content-Type names (boundary=${boundary}), and this text ${why}, so the upstream would find no parts in it; nothing was sent. Start each part with a line --${boundary} and end the body with a line --${boundary}--, name the boundary the text uses, or give the body as an object of fields ({"a": "1"}) to have it encoded`,
    );
  });
});
