// windows-1252 by hand: the WHATWG Encoding Standard maps the labels iso-8859-1, latin1, ascii and windows-1252 to
// it, and Node 20's TextDecoder reports "windows-1252" for them but decodes as plain latin1, turning the bytes
// 0x80–0x9F (curly quotes, dashes, €) into C1 control characters.

/** The 27 bytes in 0x80–0x9F where windows-1252 differs from latin1; the other five (0x81 0x8D 0x8F 0x90 0x9D) match. */
export const WINDOWS_1252_HIGH: Readonly<Record<number, number>> = {
  128: 0x20ac,
  130: 0x201a,
  131: 0x0192,
  132: 0x201e,
  133: 0x2026,
  134: 0x2020,
  135: 0x2021,
  136: 0x02c6,
  137: 0x2030,
  138: 0x0160,
  139: 0x2039,
  140: 0x0152,
  142: 0x017d,
  145: 0x2018,
  146: 0x2019,
  147: 0x201c,
  148: 0x201d,
  149: 0x2022,
  150: 0x2013,
  151: 0x2014,
  152: 0x02dc,
  153: 0x2122,
  154: 0x0161,
  155: 0x203a,
  156: 0x0153,
  158: 0x017e,
  159: 0x0178,
};

/** Decode windows-1252 bytes. Every byte has a character, so nothing is ever replaced. */
export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  return latin1.replace(/[\x80-\x9f]/g, (c) =>
    String.fromCharCode(WINDOWS_1252_HIGH[c.charCodeAt(0)] ?? c.charCodeAt(0)),
  );
}
