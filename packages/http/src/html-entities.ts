// Character references in HTML text, for the plain-text fallback and what the page head holds (title, base, refresh):
// the common named ones and every numeric one, decoded as browsers do. Pure.
import { WINDOWS_1252_HIGH } from "./windows-1252.js";

const ENTITY = /&(#x[0-9a-f]+|#\d+|[a-z]{2,6});/gi;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Decode character references (the common named ones and all numeric ones); others are left as written. */
export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, name: string) => decodeEntity(whole, name));
}

function decodeEntity(whole: string, name: string): string {
  if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? whole;
  const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
  return numericCharacter(code);
}

/**
 * A numeric reference's character as browsers decode it (WHATWG's numeric character reference end state, as the
 * markdown converter does): NUL, a surrogate or past U+10FFFF is U+FFFD, and 0x80–0x9F are windows-1252's. A lone
 * surrogate passed on would make the result ill-formed Unicode, which a model's API refuses.
 */
function numericCharacter(code: number): string {
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\uFFFD";
  return String.fromCodePoint(WINDOWS_1252_HIGH[code] ?? code);
}
