// What a server's 401 says about why it refused: the `WWW-Authenticate` challenges (RFC 9110 §11.6.1), read well
// enough to quote a Bearer challenge's `error` and `error_description` (RFC 6750 §3) to a person. The header comes
// from the server, so anything quoted is cut to one printable line of bounded length.
import { oneLine } from "./one-line.js";

/** One challenge: its scheme and its parameters (names lower-cased; a token68 credential is under `""`). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const SPACE_OR_COMMA = /[\s,]*/y;
const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const EQUALS = /\s*=\s*/y;
/** A bare value: a token by the grammar, read as far as the SDK reads one (`scope=mcp:read` is common). */
const BARE = /[^\s,]+/y;
const QUOTED = /"((?:[^"\\]|\\[\s\S])*)("?)/y;
const TOKEN68 = /\s+([A-Za-z0-9._~+/-]+=*)\s*(?=,|$)/y;

function match(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/**
 * The challenges of a `WWW-Authenticate` value, in order. Lenient: a character that fits nowhere is skipped, an
 * unterminated quoted string runs to the end, and parameters before any scheme are dropped; it never throws.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let current: Challenge | undefined;
  let at = 0;
  while (at < header.length) {
    at += match(SPACE_OR_COMMA, header, at)?.[0].length ?? 0;
    const token = match(TOKEN, header, at);
    if (!token) {
      if (at < header.length) at++; // garbage: skip it
      continue;
    }
    at += token[0].length;
    const equals = match(EQUALS, header, at);
    if (!equals) {
      current = { scheme: token[0], params: {} };
      challenges.push(current);
      const credential = match(TOKEN68, header, at);
      if (credential) {
        current.params[""] = credential[1] as string;
        at += credential[0].length;
      }
      continue;
    }
    at += equals[0].length;
    const quoted = match(QUOTED, header, at);
    const bare = quoted ? null : match(BARE, header, at);
    const value = quoted ? (quoted[1] as string).replace(/\\([\s\S])/g, "$1") : (bare?.[0] ?? "");
    at += quoted?.[0].length ?? bare?.[0].length ?? 0;
    const name = token[0].toLowerCase();
    if (current && !(name in current.params)) current.params[name] = value;
  }
  return challenges;
}

/** The longest quoted reason: enough for a sentence, not enough for a server to flood the start-up line. */
export const REASON_MAX = 200;

/**
 * Why a server refused, from its `WWW-Authenticate` value: the first Bearer challenge's `error` and
 * `error_description` as `invalid_token: "the token is …"`, one line; undefined when it gives neither.
 */
export function refusalReason(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const bearer = parseChallenges(header).find(
    (c) => c.scheme.toLowerCase() === "bearer" && (c.params.error || c.params.error_description),
  );
  if (!bearer) return undefined;
  const error = oneLine(bearer.params.error ?? "", 40);
  const description = oneLine(bearer.params.error_description ?? "", REASON_MAX);
  if (!description) return error || undefined;
  const quoted = `"${description}"`;
  return error ? `${error}: ${quoted}` : quoted;
}
