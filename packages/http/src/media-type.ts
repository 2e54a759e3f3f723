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
 * The charset label a Content-Type header names: its first `charset` parameter with a value, read as mediaParameters
 * reads one (a quoted-string unquoted and its quoted-pairs undone, `"utf\-8"` as `utf-8`; a `charset=` inside another
 * parameter's quoted value is that value's). One with none (`charset=`) names nothing, as browsers skip it.
 */
export function headerCharset(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return mediaParameters(contentType).find((parameter) => parameter.name === "charset" && parameter.written !== "")
    ?.value;
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
}

/** A parameter: its name, then a quoted-string (backslash escapes any character) or a token, then whatever else. */
const PARAMETER = /;[ \t]*([^;=\s]*)[ \t]*(?:=[ \t]*("(?:[^"\\]|\\[\s\S])*"|[^;\s"]*))?([^;]*)/y;

/**
 * Every parameter of `contentType` in order, read as its receiver reads it: a `;` or `boundary=` inside a quoted
 * value belongs to that value, and a quoted value's escapes are undone.
 */
export function mediaParameters(contentType: string): MediaParameter[] {
  const parameters: MediaParameter[] = [];
  PARAMETER.lastIndex = contentType.indexOf(";");
  if (PARAMETER.lastIndex < 0) return parameters;
  for (let match = PARAMETER.exec(contentType); match; match = PARAMETER.exec(contentType)) {
    const [, name = "", written = "", rest = ""] = match;
    if (name === "") continue;
    const quoted = written.startsWith('"');
    const value = quoted ? written.slice(1, -1).replace(/\\([\s\S])/g, "$1") : written;
    const trailing = rest.trim();
    parameters.push({ name: name.toLowerCase(), value, written, ...(trailing && { trailing }) });
  }
  return parameters;
}
