/**
 * Characters a terminal acts on instead of showing: C0 controls but newline and tab (ESC starts every escape
 * sequence; BEL ends a title change; CR and backspace overwrite what is shown), DEL, C1 controls (U+009B is a
 * one-character CSI to many terminals), and the Unicode bidirectional controls, which make text read in another
 * order than it runs (a host name shown backwards in an --ask question).
 */
const CONTROLS = "\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069";
const UNSAFE = new RegExp(`[${CONTROLS}]`, "g");
/** The same characters that JSON.stringify leaves unescaped: DEL, C1 and bidi controls (and JSON's own line breaks). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * Text that came from a model, a tool or a server, made safe to print: every control character a terminal would
 * act on is removed, so an escape sequence shows as the harmless text that followed its ESC. Newlines and tabs stay.
 * The agent's own colours are added after this, never passed through it.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, "");
}

/**
 * JSON for stdout (--json): JSON.stringify escapes C0 controls but leaves DEL, C1 and bidi controls raw; those are
 * written as \u escapes too, so the document is unchanged as data and inert on a terminal.
 */
export function printableJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    UNSAFE_IN_JSON,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Whether the agent's own escape sequences (colours, the live progress line's rewrite) go to a stream: a terminal,
 * unless it is a dumb one (TERM=dumb, as Emacs' shell sets), which prints them as text. NO_COLOR turns colours alone
 * off (no-color.org: any value but empty). FORCE_COLOR, as Node reads it, wins over both for colours alone: `0` or
 * `false` turns them off, any other value but empty on, even in a pipe or file (a CI log that shows ANSI colours).
 */
export function terminalStyle(
  tty: boolean,
  env: Record<string, string | undefined>,
): { color: boolean; live: boolean } {
  const live = tty && env.TERM !== "dumb";
  const forced = env.FORCE_COLOR ? env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false" : undefined;
  return { color: forced ?? (live && !env.NO_COLOR), live };
}
