import { describe, expect, it } from "vitest";
import { charsetInContent, encodingOf, prescanMetaCharset } from "../src/meta-charset.js";

describe("prescanMetaCharset", () => {
  it.each([
    ['<meta charset="iso-8859-1">', "windows-1252"],
    ["<META CHARSET=Shift_JIS>", "shift_jis"],
    ["<meta charset='euc-jp'/>", "euc-jp"],
    ['<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">', "shift_jis"],
    ["<meta content='text/html;charset=\"koi8-r\"' http-equiv=content-type>", "koi8-r"],
    ['<meta http-equiv="refresh" content="0; charset=koi8-r">', undefined],
    ['<meta content="text/html; charset=koi8-r">', undefined],
    ['<!-- <meta charset="koi8-r"> --><meta charset="utf-8">', "utf-8"],
    ['<meta charset="no-such"><meta charset="gbk">', "gbk"],
    ['<meta charset="utf-16le">', "utf-8"],
    ['<meta name="viewport" content="width=device-width">', undefined],
    ['<metadata charset="koi8-r">', undefined],
    [`${" ".repeat(1024)}<meta charset="koi8-r">`, undefined],
    ["", undefined],
  ])("%s → %s", (html, encoding) => {
    expect(prescanMetaCharset(Buffer.from(html, "latin1"))).toBe(encoding);
  });
});

describe("charsetInContent", () => {
  it.each([
    ["text/html; charset=utf-8", "utf-8"],
    ["text/html;CHARSET = 'big5'", "big5"],
    ['text/html; charset="unclosed', undefined],
    ["text/html", undefined],
  ])("%s → %s", (content, label) => {
    expect(charsetInContent(content)).toBe(label);
  });
});

describe("encodingOf", () => {
  it.each([
    ["latin1", "windows-1252"],
    [" UTF8 ", "utf-8"],
    ["sjis", "shift_jis"],
    ["bogus", undefined],
  ])("%s → %s", (label, encoding) => {
    expect(encodingOf(label)).toBe(encoding);
  });
});
