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

/** The charset label a Content-Type header names, unquoted. */
export function headerCharset(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? "");
  return match ? (match[1] ?? match[2]) : undefined;
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
