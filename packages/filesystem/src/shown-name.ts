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
  return char.length === 1 && unsafe(code) ? `\\u${code.toString(16).padStart(4, "0")}` : char;
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
