import { describe, expect, it } from "vitest";
import { bomEncoding, charsetNote, chooseEncoding, decodeBody } from "../src/charset.js";

const bytes = (...parts: (string | number[] | Uint8Array)[]) =>
  Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part, "latin1") : Buffer.from(part))));

describe("bomEncoding", () => {
  it.each([
    [[0xef, 0xbb, 0xbf, 0x41], "utf-8"],
    [[0xfe, 0xff, 0, 0x41], "utf-16be"],
    [[0xff, 0xfe, 0x41, 0], "utf-16le"],
    [[0xef, 0xbb], undefined],
    [[0x41], undefined],
  ])("%j → %s", (body, encoding) => {
    expect(bomEncoding(Uint8Array.from(body))).toBe(encoding);
  });
});

describe("chooseEncoding", () => {
  const meta = bytes('<meta charset="iso-8859-1"><p>x');
  const xmlLatin1 = bytes('<?xml version="1.0" encoding="ISO-8859-1"?><title>Caf', [0xe9], "</title>");
  it.each([
    ["a BOM wins over the header", bytes([0xef, 0xbb, 0xbf], "x"), "text/html; charset=latin1", true, "utf-8", "bom"],
    ["a BOM wins over a meta", bytes([0xef, 0xbb, 0xbf], '<meta charset="sjis">'), "text/html", true, "utf-8", "bom"],
    ["the header wins over a meta", meta, "text/html; charset=utf-8", true, "utf-8", "header"],
    ["a meta is read when the header names none", meta, "text/html", true, "windows-1252", "meta"],
    [
      "an unknown header label falls through to the meta",
      meta,
      "text/html; charset=nope",
      true,
      "windows-1252",
      "meta",
    ],
    ["a meta is not read outside HTML", meta, "text/plain", false, "utf-8", "default"],
    ["nothing declared is UTF-8", bytes("<p>x"), "text/html", true, "utf-8", "default"],
    ["an XML declaration names it", xmlLatin1, "application/rss+xml", false, "windows-1252", "xml"],
    ["an XML declaration in text/xml", xmlLatin1, "text/xml", false, "windows-1252", "xml"],
    ["the header wins over an XML declaration", xmlLatin1, "application/xml; charset=utf-8", false, "utf-8", "header"],
    ["an XML declaration is not read outside XML", xmlLatin1, "text/plain", false, "utf-8", "default"],
    [
      "a declaration must open the document",
      bytes(" <?xml version='1.0' encoding='latin1'?>"),
      "text/xml",
      false,
      "utf-8",
      "default",
    ],
    [
      "single quotes, UTF-16 read as UTF-8",
      bytes("<?xml version='1.0' encoding='UTF-16'?><a/>"),
      "text/xml",
      false,
      "utf-8",
      "xml",
    ],
    [
      "an unknown label is passed over",
      bytes('<?xml version="1.0" encoding="nope"?>'),
      "text/xml",
      false,
      "utf-8",
      "default",
    ],
  ])("%s", (_why, body, type, html, encoding, source) => {
    expect(chooseEncoding(body, type, html)).toEqual({ encoding, source });
  });
});

describe("decodeBody", () => {
  it.each([
    [
      bytes('<meta charset="iso-8859-1">Caf', [0xe9], " cr", [0xe8], "me"),
      "text/html",
      '<meta charset="iso-8859-1">Café crème',
    ],
    [bytes([0x68, 0xc3]), "text/plain; charset=utf-8", "h\uFFFD"],
    [bytes([0xfe, 0xff, 0, 0x68, 0, 0x69]), "text/plain", "hi"],
    [bytes([0xef, 0xbb, 0xbf], "caf", [0xc3, 0xa9]), "text/plain; charset=latin1", "café"],
  ])("%#", (body, type, text) => {
    expect(decodeBody(body, type, { html: true }).text).toBe(text);
  });

  it("says bytes were replaced, and where the encoding came from", () => {
    const decoded = decodeBody(bytes('{"a":"Caf', [0xe9], '"}'), "application/json");
    expect(decoded).toEqual({ text: '{"a":"Caf\uFFFD"}', encoding: "utf-8", source: "default", replaced: true });
    expect(charsetNote(decoded)).toBe(
      "[charset: some bytes are not valid utf-8 (assumed: no known charset was declared) and show as \uFFFD]",
    );
  });

  it("reads undeclared HTML that is not UTF-8 as windows-1252, and says so", () => {
    const decoded = decodeBody(bytes("<p>", [0x93], "Caf", [0xe9], [0x94], " ", [0x80]), "text/html", { html: true });
    expect(decoded).toEqual({
      text: "<p>\u201cCafé\u201d \u20ac",
      encoding: "windows-1252",
      source: "fallback",
      replaced: false,
    });
    expect(charsetNote(decoded)).toBe(
      "[charset: none was declared and the body is not valid UTF-8, so it was read as windows-1252, as browsers read such legacy pages]",
    );
  });

  it.each([
    ["nothing declared", "text/plain", "none was declared"],
    [
      "an unknown charset declared",
      "text/plain; charset=bogus",
      'the declared charset "bogus" is not one this tool knows',
    ],
    ["the empty label declared", 'text/plain; charset=""', 'the declared charset "" is not one this tool knows'],
  ])("names why a text body was read as windows-1252: %s", (_, type, why) => {
    const decoded = decodeBody(bytes("Caf", [0xe9]), type);
    expect(charsetNote(decoded)).toBe(
      `[charset: ${why} and the body is not valid UTF-8, so it was read as windows-1252, as browsers read such legacy pages]`,
    );
  });

  const latin = bytes("Caf", [0xe9]);
  it.each([
    ["undeclared HTML", latin, "text/html", true, "Café", "fallback"],
    ["sniffed HTML with no Content-Type", latin, undefined, true, "Café", "fallback"],
    ["undeclared text/plain", latin, "text/plain", false, "Café", "fallback"],
    ["text/csv", latin, "text/csv; header=present", false, "Café", "fallback"],
    ["an unknown label, which WHATWG passes over", latin, "text/plain; charset=bogus", false, "Café", "fallback"],
    // A quote never closed runs to the end of the header, as browsers read it: this one names a label they know.
    ["a label in a quote never closed", latin, 'text/plain; charset="iso-8859-1', false, "Café", "header"],
    ["declared UTF-8 keeps U+FFFD", latin, "text/html; charset=utf-8", true, "Caf\uFFFD", "header"],
    // A quoted charset's quoted-pairs are undone (RFC 9110): "iso\-8859\-1" is a label browsers know.
    ["a quoted label with quoted-pairs", latin, 'text/plain; charset="iso\\-8859\\-1"', false, "Café", "header"],
    [
      "UTF-16LE named with quoted-pairs",
      Uint8Array.from(Buffer.from("héllo", "utf16le")),
      'text/plain; charset="utf\\-16le"',
      false,
      "héllo",
      "header",
    ],
    [
      "a UTF-8 meta keeps U+FFFD",
      bytes('<meta charset="utf-8">', latin),
      "text/html",
      true,
      '<meta charset="utf-8">Caf\uFFFD',
      "meta",
    ],
    ["a UTF-8 BOM keeps U+FFFD", bytes([0xef, 0xbb, 0xbf], latin), "text/html", true, "Caf\uFFFD", "bom"],
    ["JSON stays UTF-8", latin, "application/json", false, "Caf\uFFFD", "default"],
    ["text/xml stays UTF-8", latin, "text/xml", false, "Caf\uFFFD", "default"],
    ["XHTML stays UTF-8", latin, "application/xhtml+xml", true, "Caf\uFFFD", "default"],
    ["valid UTF-8 stays UTF-8", bytes("Caf", [0xc3, 0xa9]), "text/html", true, "Café", "default"],
  ])("%s", (_why, body, type, html, text, source) => {
    expect(decodeBody(body, type, { html })).toMatchObject({ text, source });
  });

  it("judges a body cut inside a UTF-8 character as UTF-8, not as windows-1252", () => {
    const cut = Buffer.from("<p>café</p>").subarray(0, 7);
    expect(decodeBody(cut, "text/html", { html: true, cut: true })).toMatchObject({
      text: "<p>caf",
      encoding: "utf-8",
      replaced: false,
    });
  });

  it("does not count a literal U+FFFD in valid UTF-8 as damage", () => {
    const decoded = decodeBody(Buffer.from("a\uFFFDb"), "text/plain");
    expect(decoded.replaced).toBe(false);
    expect(charsetNote(decoded)).toBeUndefined();
  });

  it("drops a character cut at the read limit instead of calling it damage", () => {
    expect(decodeBody(Buffer.from("café").subarray(0, 4), "text/plain", { cut: true })).toMatchObject({
      text: "caf",
      replaced: false,
    });
  });
});

describe("decodeBody of JSON under a legacy charset", () => {
  const utf8 = Buffer.from('{"a":"café – “q”"}');
  it.each([
    ["application/json; charset=ISO-8859-1", "ISO-8859-1"],
    ["application/problem+json; charset=Shift_JIS", "Shift_JIS"],
    ['application/json; charset="windows-1252"', "windows-1252"],
  ])("reads bytes that are UTF-8 as UTF-8, saying the label was passed over: %s", (type, label) => {
    const decoded = decodeBody(utf8, type);
    expect(decoded).toMatchObject({ text: '{"a":"café – “q”"}', encoding: "utf-8", replaced: false });
    expect(charsetNote(decoded)).toBe(
      `[charset: Content-Type says charset=${label}, but JSON is UTF-8 and these bytes are valid UTF-8, so they were read as UTF-8]`,
    );
  });

  it("keeps the label when the bytes are not UTF-8, or are only ASCII, or the body is not JSON", () => {
    expect(decodeBody(bytes('{"a":"caf', [0xe9], '"}'), "application/json; charset=iso-8859-1").text).toBe(
      '{"a":"café"}',
    );
    expect(charsetNote(decodeBody(Buffer.from('{"a":1}'), "application/json; charset=iso-8859-1"))).toBeUndefined();
    expect(decodeBody(utf8, "text/plain; charset=iso-8859-1").text).toContain("cafÃ©");
  });

  it("reads a JSON body cut inside a UTF-8 character as UTF-8", () => {
    const cut = Buffer.from('{"a":"café').subarray(0, 10);
    expect(decodeBody(cut, "application/json; charset=latin1", { cut: true }).text).toBe('{"a":"caf');
  });
});

describe("decodeBody by Content-Type", () => {
  it.each([
    [Buffer.from([0x63, 0x61, 0x66, 0xe9]), "text/plain; charset=ISO-8859-1", "café"],
    [Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0x69]), "text/plain", "hi"],
    [Buffer.from([0x68, 0xc3]), "text/plain; charset=utf-8", "h\uFFFD"],
    [Buffer.from("ok"), 'text/plain; charset="no-such-charset"', "ok"],
    ...["windows-1252", "iso-8859-1", "latin1", "ascii", "US-ASCII", "cp1252"].map((label) => [
      Buffer.from([0x93, 0x68, 0x69, 0x94, 0x20, 0x80]),
      `text/plain; charset=${label}`,
      "\u201chi\u201d \u20ac",
    ]),
    [Buffer.from([0x93, 0x68, 0x69, 0x94]), "text/plain; charset=iso-8859-2", "\u0093hi\u0094"],
    [
      bytes("<?xml version='1.0' encoding='iso-8859-1'?><t>Caf", [0xe9], "</t>"),
      "application/atom+xml",
      "<?xml version='1.0' encoding='iso-8859-1'?><t>Café</t>",
    ],
  ] as [Buffer, string, string][])("%#", (body, type, text) => {
    expect(decodeBody(body, type).text).toBe(text);
  });
});
