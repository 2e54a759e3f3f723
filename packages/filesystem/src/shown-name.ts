/**
 * A file name as the text of a listing shows it: as it is, unless it holds a character that could end the line or
 * fake another entry (a control character, U+2028/2029) or reorder what is shown (a bidi control). Then it is quoted
 * with JSON-style escapes ("evil\nname.txt", "bell\u0007"). A name that starts with a quote is quoted too, so a
 * name shown in quotes always means an escaped one. The structured results keep the real name.
 */
export function shownName(name: string): string {
  let plain = !name.startsWith('"');
  for (let i = 0; plain && i < name.length; i++) plain = !unsafe(name.charCodeAt(i));
  if (plain) return name;
  let out = '"';
  for (const char of name) out += escaped(char);
  return `${out}"`;
}

/** Whether a name read from a directory may stand for bytes that are not UTF-8: decoding shows each as U+FFFD. */
export const mayBeNotUtf8 = (name: string) => name.includes("\uFFFD");

/** What a listing says after a name that is not UTF-8 on disk: the name shown is not one the tools can open. */
export const NOT_UTF8_NAME =
  "[name not UTF-8 on disk, shown with U+FFFD: no tool can reach it by this name; rename it outside this server]";

/**
 * A name or path read from the file system as an error message quotes it: always in quotes, with shownName's escapes,
 * so a control or bidi character in it shows escaped as it does in a listing; cut to `max` characters, with "…".
 */
export function quotedName(name: string, max = Number.POSITIVE_INFINITY): string {
  const shown = shownName(name.length > max ? `${name.slice(0, max)}…` : name);
  return shown.startsWith('"') ? shown : JSON.stringify(shown);
}

/** A line of file text as a search hit holds it: trimmed, and cut to `max` characters on a code point boundary. */
export function hitText(line: string, max: number, at = 0): string {
  const text = line.trim();
  if (text.length <= max) return text;
  // The match a quarter of the way in, so what leads to it shows too; "…" marks each end cut.
  const from = at - (line.length - line.trimStart().length) - Math.floor(max / 4);
  let start = Math.max(0, Math.min(from, text.length - max));
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  let end = Math.min(text.length, start + max);
  if (isLowSurrogate(text.charCodeAt(end))) end--;
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
}

/**
 * A hit's text as the listing shows it after its `file:line:`: every character that could end the line, fake
 * another hit, drive a terminal (ESC) or reorder what is shown is written as its \uXXXX escape; tabs stay. The
 * structured result keeps the text unescaped (cut by hitText as this is).
 */
export function shownLine(text: string): string {
  let plain = true;
  for (let i = 0; plain && i < text.length; i++) plain = !unsafeInLine(text.charCodeAt(i));
  if (plain) return text;
  let out = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += char.length === 1 && unsafeInLine(code) ? unicodeEscape(code) : char;
  }
  return out;
}

const unicodeEscape = (code: number) => `\\u${code.toString(16).padStart(4, "0")}`;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
const unsafeInLine = (code: number) => code !== 0x09 && unsafe(code);

const SHORT: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

function escaped(char: string): string {
  const short = SHORT[char];
  if (short) return short;
  const code = char.charCodeAt(0);
  return char.length === 1 && unsafe(code) ? unicodeEscape(code) : char;
}

/** C0 and C1 controls, DEL, the line and paragraph separators, and the bidi embedding/override/isolate controls. */
function unsafe(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0x200e ||
    code === 0x200f
  );
}
