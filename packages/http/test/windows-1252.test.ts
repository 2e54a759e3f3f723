import { describe, expect, it } from "vitest";
import { decodeWindows1252, WINDOWS_1252_HIGH } from "../src/windows-1252.js";

describe("decodeWindows1252", () => {
  it.each([
    [[0x93, 0x68, 0x69, 0x94, 0x20, 0x80], "\u201chi\u201d \u20ac"],
    [[0x85, 0x96, 0x97, 0x99], "\u2026\u2013\u2014\u2122"],
    [[0x8a, 0x8c, 0x8e, 0x9a, 0x9c, 0x9e, 0x9f], "\u0160\u0152\u017d\u0161\u0153\u017e\u0178"],
    // The five bytes windows-1252 leaves undefined keep their latin1 (C1) meaning, as the WHATWG index says.
    [[0x81, 0x8d, 0x8f, 0x90, 0x9d], "\u0081\u008d\u008f\u0090\u009d"],
    [[0x63, 0x61, 0x66, 0xe9, 0xa0, 0xff], "caf\u00e9\u00a0\u00ff"],
    [[], ""],
  ])("%j → %j", (bytes, text) => {
    expect(decodeWindows1252(Uint8Array.from(bytes))).toBe(text);
  });

  it("maps every one of the 27 differing bytes away from its C1 control", () => {
    expect(Object.keys(WINDOWS_1252_HIGH)).toHaveLength(27);
    for (const [byte, code] of Object.entries(WINDOWS_1252_HIGH)) {
      expect(decodeWindows1252(Uint8Array.of(Number(byte)))).toBe(String.fromCharCode(code));
      expect(code).toBeGreaterThan(0xff);
    }
  });

  it("decodes a view into a larger buffer without reading outside it", () => {
    const whole = Buffer.from([0x41, 0x80, 0x42, 0x43]);
    expect(decodeWindows1252(whole.subarray(1, 3))).toBe("\u20acB");
  });
});
