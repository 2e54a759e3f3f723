// How many columns text takes on a terminal, and text cut to fit a row. The live progress line must never wrap: its
// erase (CR, erase line) clears only the row the cursor is on, so a wrapped line would leave its first rows behind.

/** Two columns: East Asian wide and fullwidth characters (CJK, Hangul, kana) and emoji shown as pictures. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;
/** No column: combining marks (variation selectors among them), zero-width spaces, joiners and marks. */
const MARK = /\p{M}/u;

function width(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (MARK.test(char) || (code >= 0x200b && code <= 0x200f) || code === 0x2060) return 0;
  return WIDE.test(char) ? 2 : 1;
}

/** The columns `text` (printable, no escapes) takes on a terminal; reasonable, not exact, for every script. */
export function columnsOf(text: string): number {
  let columns = 0;
  for (const char of text) columns += width(char);
  return columns;
}

/** `text` cut to at most `columns` columns, ending in "…" when cut (a wide character is never split). Pure. */
export function fitColumns(text: string, columns: number): string {
  if (columnsOf(text) <= columns) return text;
  let kept = "";
  let used = 0;
  for (const char of text) {
    const w = width(char);
    if (used + w > columns - 1) break;
    kept += char;
    used += w;
  }
  return columns > 0 ? `${kept}…` : "";
}
