import { describe, expect, it } from "vitest";
import { namedBoundary } from "../src/multipart-boundary.js";

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
    [
      'multipart/form-data; boundary="open',
      `the Content-Type's boundary="open never closes its quote, and receivers differ in where it ends (WHATWG's parser at the end of the header, swallowing any parameter after it); nothing was sent. Close the quote`,
    ],
    // The boundary= after another parameter's open quote is inside it for WHATWG's parser, outside for others.
    ['multipart/form-data; x="a; boundary=b', `the Content-Type's x="a; boundary=b never closes its quote`],
  ])("refuses %j", (type, message) => {
    expect(namedBoundary(type)).toEqual({ error: expect.stringContaining(message) });
  });
});
