// What a Content-Type header says: its media type, and the charset it names. Pure; read for the bodies received
// (charset.ts, render.ts) and written for the bodies sent (outgoing-request.ts).

/** The media type a Content-Type names, lower-cased without parameters (`text/html; charset=x` → `text/html`). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** A JSON media type: `application/json` or a `+json` one (`application/problem+json`). */
export function isJsonType(mime: string): boolean {
  return mime === "application/json" || mime.endsWith("+json");
}

/**
 * The charset label a Content-Type header names, as WHATWG's MIME type parser (and so browsers) reads it: the first
 * `charset` parameter with a value, a quoted-string unquoted and its quoted-pairs undone (`"utf\-8"` is `utf-8`), one
 * never closed read to the end (`"utf-8` is `utf-8`); a `charset=` inside another parameter's quoted value is that
 * value's. A bare `charset` or `charset=` names nothing and is skipped; `charset=""` names the empty label, which no
 * encoding has, and text after a token is part of it (`utf-8 x`): both are then labels nobody knows, passed over.
 */
export function headerCharset(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const charset = mediaParameters(contentType).find(
    (parameter) => parameter.name === "charset" && parameter.written !== "",
  );
  if (charset?.trailing === undefined || charset.written.startsWith('"')) return charset?.value;
  return `${charset.value} ${charset.trailing}`;
}

/**
 * Types whose text is read by a `charset` parameter (RFC 6838 text/*, RFC 7303 XML, RFC 9239 JavaScript, RFC 6922
 * SQL). JSON is left alone: it is UTF-8 by definition and its registration defines no charset (RFC 8259).
 */
const CHARSET_TYPES = /^text\/|^application\/(xml|javascript|ecmascript|sql)$|^application\/[^;]+\+xml$/;

/**
 * The Content-Type to send a body encoded as UTF-8 under: a text type that names no charset gets `; charset=utf-8`,
 * so the upstream does not read the bytes in its own default (ISO-8859-1 for some). A charset given is kept as given.
 */
export function withUtf8Charset(contentType: string): string {
  if (!CHARSET_TYPES.test(mediaType(contentType)) || headerCharset(contentType) !== undefined) return contentType;
  return `${contentType.trimEnd().replace(/;$/, "")}; charset=utf-8`;
}

/** One parameter of a Content-Type, as RFC 9110 §5.6.6 reads it. */
export interface MediaParameter {
  /** Lower-cased. */
  name: string;
  /** A quoted-string unquoted, its quoted-pairs (`\"`, `\\`) undone; a token as written. */
  value: string;
  /** The value as written, quotes and backslashes included. */
  written: string;
  /** Text after the value that is neither `;` nor whitespace (`a b`, `"a"b`), which receivers read differently. */
  trailing?: string;
  /** A quoted value whose quote never closes (`"a; b=c`): read to the end of the header, which receivers differ on. */
  unclosed?: true;
}

/**
 * Every parameter of `contentType` in order, read as its receiver reads it: a `;` or `boundary=` inside a quoted
 * value belongs to that value, and a quoted value's escapes are undone. Each is `;`, blanks, a name, blanks, then
 * optionally `=`, blanks and a quoted-string or a token, then up to the next `;` whatever else. Scanned by hand: it
 * runs on every response's Content-Type, and a sticky regex would be module state or a new object per call (twice as
 * slow, measured).
 */
export function mediaParameters(contentType: string): MediaParameter[] {
  const parameters: MediaParameter[] = [];
  const end = contentType.length;
  for (let at = contentType.indexOf(";"); at >= 0; ) {
    let i = skipBlanks(contentType, at + 1);
    const nameAt = i;
    while (i < end && !endsName(contentType.charCodeAt(i))) i++;
    const name = contentType.slice(nameAt, i);
    i = skipBlanks(contentType, i);
    let written = "";
    let value = "";
    let unclosed = false;
    if (contentType.charCodeAt(i) === EQUALS) {
      i = skipBlanks(contentType, i + 1);
      const valueAt = i;
      if (contentType.charCodeAt(i) === QUOTE) {
        // A backslash escapes any character. A quote never closed runs to the end, `;`s and all, as WHATWG's "collect
        // an HTTP quoted string" reads it (a last lone backslash kept), and browsers with it.
        let close = i + 1;
        while (close < end && contentType.charCodeAt(close) !== QUOTE) {
          close += contentType.charCodeAt(close) === BACKSLASH ? 2 : 1;
        }
        unclosed = close >= end;
        i = unclosed ? end : close + 1;
        written = contentType.slice(valueAt, i);
        const inner = unclosed ? written.slice(1) : written.slice(1, -1);
        value = inner.includes("\\") ? inner.replace(/\\([\s\S])/g, "$1") : inner;
      } else {
        while (i < end && !endsToken(contentType.charCodeAt(i))) i++;
        written = value = contentType.slice(valueAt, i);
      }
    }
    at = contentType.indexOf(";", i);
    if (name === "") continue;
    const trailing = contentType.slice(i, at < 0 ? end : at).trim();
    parameters.push({
      name: name.toLowerCase(),
      value,
      written,
      ...(trailing && { trailing }),
      ...(unclosed && { unclosed }),
    });
  }
  return parameters;
}

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The index of the first character at or after `at` that is neither a space nor a tab. */
function skipBlanks(text: string, at: number): number {
  let i = at;
  for (let code = text.charCodeAt(i); code === 0x20 || code === 0x09; code = text.charCodeAt(++i));
  return i;
}

/** A character JavaScript's `\s` matches: what ends a name or a token, as `trim` would take it off. */
function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

function endsName(code: number): boolean {
  return code === SEMICOLON || code === EQUALS || isSpace(code);
}

function endsToken(code: number): boolean {
  return code === SEMICOLON || code === QUOTE || isSpace(code);
}
