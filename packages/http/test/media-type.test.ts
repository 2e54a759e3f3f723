import { describe, expect, it } from "vitest";
import { headerCharset, isJsonType, mediaParameters, mediaType, withUtf8Charset } from "../src/media-type.js";

describe("mediaType", () => {
  it.each([
    ["text/html; charset=UTF-8", "text/html"],
    ["  Application/JSON  ", "application/json"],
    ["application/problem+json;charset=utf-8", "application/problem+json"],
    ["", ""],
    [undefined, ""],
  ])("%j → %j", (type, mime) => {
    expect(mediaType(type)).toBe(mime);
  });
});

describe("isJsonType", () => {
  it.each([
    ["application/json", true],
    ["application/problem+json", true],
    ["application/vnd.api+json", true],
    ["application/jsonp", false],
    ["text/json+html", false],
    ["text/plain", false],
    ["", false],
  ])("%j → %j", (mime, json) => {
    expect(isJsonType(mime)).toBe(json);
  });
});

describe("headerCharset", () => {
  it.each([
    ["text/html; charset=UTF-8", "UTF-8"],
    ['text/plain; charset="Shift_JIS"', "Shift_JIS"],
    ["text/plain;charset=latin1;format=flowed", "latin1"],
    ["text/html", undefined],
    ["text/html; foo-charset=x", undefined],
    [undefined, undefined],
    // RFC 9110 quoted-pairs are undone: a backslash escapes the character after it, whatever it is.
    ['text/plain; charset="utf\\-8"', "utf-8"],
    ['text/plain; charset="\\u\\t\\f\\-\\1\\6"', "utf-16"],
    ['text/plain; charset="iso\\-8859\\-1"; format=flowed', "iso-8859-1"],
    ['text/plain; charset="a\\\\b"', "a\\b"],
    ['text/plain; charset="a\\"b"', 'a"b'],
    ['text/plain; CHARSET = "Shift_JIS"', "Shift_JIS"],
    // A `;` or `charset=` inside another parameter's quoted value is that value's.
    ['text/plain; title="x; charset=latin1"; charset=utf-8', "utf-8"],
    ['text/plain; title="x\\"; charset=latin1"', undefined],
    // One without a value names nothing, as WHATWG's MIME type parser skips it; the first that has one counts.
    ["text/plain; charset=; charset=utf-8", "utf-8"],
    ["text/plain; charset", undefined],
    ["text/plain; charset; charset=utf-8", "utf-8"],
    ["text/plain; charset=latin1; charset=utf-8", "latin1"],
    // charset="" names the empty label, which holds its place as WHATWG's does: no encoding has it, so a response
    // falls back to sniffing and UTF-8, and a later charset is not read.
    ['text/plain; charset=""', ""],
    ['text/plain; charset=""; charset=utf-8', ""],
    // A quote never closed runs to the end of the header, as WHATWG's parser (and browsers) read it.
    ['text/plain; charset="utf-8', "utf-8"],
    ['text/plain; charset="utf-8; format=flowed', "utf-8; format=flowed"],
    ['text/plain; charset="utf\\-8', "utf-8"],
    // Text after a token is part of the label (no encoding's), after a quoted-string it is not.
    ["text/plain; charset=utf-8 x", "utf-8 x"],
    ['text/plain; charset="utf-8" x', "utf-8"],
  ])("%s → %s", (type, label) => {
    expect(headerCharset(type)).toBe(label);
  });
});

describe("withUtf8Charset", () => {
  it.each([
    ["text/plain", "text/plain; charset=utf-8"],
    ["text/csv", "text/csv; charset=utf-8"],
    ["Text/HTML", "Text/HTML; charset=utf-8"],
    ["text/plain;format=flowed", "text/plain;format=flowed; charset=utf-8"],
    ["text/plain; ", "text/plain; charset=utf-8"],
    ["text/plain;", "text/plain; charset=utf-8"],
    ["application/xml", "application/xml; charset=utf-8"],
    ["application/atom+xml", "application/atom+xml; charset=utf-8"],
    ["application/javascript", "application/javascript; charset=utf-8"],
    ["application/sql", "application/sql; charset=utf-8"],
    // A charset given is the caller's to set, whatever its case or quoting.
    ["text/plain; charset=iso-8859-1", "text/plain; charset=iso-8859-1"],
    ["text/plain;CHARSET=UTF-8", "text/plain;CHARSET=UTF-8"],
    ['text/xml; charset="utf-16"', 'text/xml; charset="utf-16"'],
    // Not text read by a charset parameter: sent as given.
    ["application/json", "application/json"],
    ["application/merge-patch+json", "application/merge-patch+json"],
    ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded"],
    ["multipart/form-data; boundary=x", "multipart/form-data; boundary=x"],
    ["application/octet-stream", "application/octet-stream"],
    ["application/xml-dtd", "application/xml-dtd"],
  ])("%j → %j", (given, sent) => {
    expect(withUtf8Charset(given)).toBe(sent);
  });
});

describe("mediaParameters", () => {
  it.each([
    ["multipart/form-data", []],
    ["multipart/form-data; Boundary=abc", [{ name: "boundary", value: "abc", written: "abc" }]],
    // A quoted-pair is undone: the receiver reads a"b.
    ['multipart/form-data; boundary="a\\"b"', [{ name: "boundary", value: 'a"b', written: '"a\\"b"' }]],
    ['multipart/form-data; boundary="a\\bc"', [{ name: "boundary", value: "abc", written: '"a\\bc"' }]],
    // A `;` or `boundary=` inside a quoted value is that value's.
    [
      'multipart/form-data; x="; boundary=evil"; boundary=real',
      [
        { name: "x", value: "; boundary=evil", written: '"; boundary=evil"' },
        { name: "boundary", value: "real", written: "real" },
      ],
    ],
    ['text/plain;;charset = "utf-8" ;', [{ name: "charset", value: "utf-8", written: '"utf-8"' }]],
    // What follows a value is kept apart: receivers read it differently.
    ["multipart/form-data; boundary=a b", [{ name: "boundary", value: "a", written: "a", trailing: "b" }]],
    // A quote never closed runs to the end, `;`s and all, as WHATWG's parser reads it; its receivers differ.
    [
      'multipart/form-data; boundary="open; x=1',
      [{ name: "boundary", value: "open; x=1", written: '"open; x=1', unclosed: true }],
    ],
    // Blanks are spaces and tabs; any other whitespace ends a name or a token, and a `;` alone names nothing.
    [
      "a/b;\tx\t=\t1 ;; y",
      [
        { name: "x", value: "1", written: "1" },
        { name: "y", value: "", written: "" },
      ],
    ],
    ["a/b; x=1\u00a02", [{ name: "x", value: "1", written: "1", trailing: "2" }]],
    ["a/b; x\u3000=1", [{ name: "x", value: "", written: "", trailing: "=1" }]],
    ['a/b; x="1\\', [{ name: "x", value: "1\\", written: '"1\\', unclosed: true }]],
  ])("%j → %j", (type, parameters) => {
    expect(mediaParameters(type)).toEqual(parameters);
  });
});
