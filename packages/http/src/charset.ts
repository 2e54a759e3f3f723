// Which encoding a body is in, and its text. The WHATWG order: a byte-order mark wins, then the Content-Type's
// charset, then (for HTML) a <meta> in the first 1024 bytes or (for XML, RFC 7303) its declaration, then UTF-8.
// HTML and other text/* that declare nothing and are not valid UTF-8 are read as windows-1252, as browsers read such
// legacy pages (WHATWG's fallback encoding); JSON and XML stay UTF-8, which their own standards make the default.
import { headerCharset, isJsonType, mediaType } from "./media-type.js";
import { encodingOf, prescanMetaCharset, xmlDeclaredEncoding } from "./meta-charset.js";
import { decodeWindows1252 } from "./windows-1252.js";

/** Where the encoding came from. */
export type CharsetSource = "bom" | "header" | "meta" | "xml" | "default" | "fallback";

/** A body's text, and whether bytes had to be replaced with U+FFFD to get it. */
export interface DecodedBody {
  text: string;
  encoding: string;
  source: CharsetSource;
  replaced: boolean;
  /** A charset Content-Type declared that no encoding answers to (`charset=bogus`), passed over. */
  unknownLabel?: string;
  /** A legacy charset a JSON body's Content-Type declared, passed over for the UTF-8 its bytes are. */
  overruledLabel?: string;
}

/** The encoding a byte-order mark at the start of `bytes` names. */
export function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return undefined;
}

/** The encoding to decode a body with; a charset label nobody knows is passed over. */
export function chooseEncoding(
  body: Uint8Array,
  contentType: string | undefined,
  html: boolean,
): { encoding: string; source: CharsetSource } {
  const bom = bomEncoding(body);
  if (bom) return { encoding: bom, source: "bom" };
  const label = headerCharset(contentType);
  const declared = label === undefined ? undefined : encodingOf(label);
  if (declared) return { encoding: declared, source: "header" };
  const meta = html ? prescanMetaCharset(body) : undefined;
  if (meta) return { encoding: meta, source: "meta" };
  const xml = isXml(mediaType(contentType)) ? xmlDeclaredEncoding(body) : undefined;
  if (xml) return { encoding: xml, source: "xml" };
  return { encoding: "utf-8", source: "default" };
}

/** `body` as text, if it has bytes past ASCII and is valid UTF-8 (a cut body may end inside a character). */
function utf8BeyondAscii(body: Uint8Array, cut: boolean): string | undefined {
  if (!body.some((byte) => byte > 0x7f)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body, { stream: cut });
  } catch {
    return undefined;
  }
}

/** An XML media type: `text/xml`, `application/xml`, or a `+xml` one (RSS, Atom, SVG). */
function isXml(mime: string): boolean {
  return /^(text|application)\/xml$|\+xml$/.test(mime);
}

/**
 * Text that browsers read as windows-1252 when it declares nothing and is not UTF-8: HTML (also sniffed, with no
 * Content-Type) and other text/*, but not XML (XHTML included), which is UTF-8 unless it says otherwise.
 */
function isLegacyText(mime: string, html: boolean): boolean {
  return (html || mime.startsWith("text/")) && !isXml(mime);
}

/**
 * Decode a body. A `cut` body may end inside a character: that tail is dropped rather than reported as damage.
 * windows-1252 is decoded by hand (see windows-1252.ts); everything else by TextDecoder. Only when nothing is declared
 * can UTF-8 give way to the windows-1252 fallback: a declared encoding is kept, and its bad bytes shown as U+FFFD.
 */
export function decodeBody(
  body: Uint8Array,
  contentType: string | undefined,
  { html = false, cut = false }: { html?: boolean; cut?: boolean } = {},
): DecodedBody {
  const { encoding, source } = chooseEncoding(body, contentType, html);
  // JSON is UTF-8 (RFC 8259 §8.1: a charset "has no effect"): a legacy label on bytes that are UTF-8 beyond ASCII,
  // which legacy text almost never is, is a server's default mislabelling them; a body that is not UTF-8 keeps it.
  const asUtf8 =
    source === "header" && isJsonType(mediaType(contentType)) && !/^utf-/.test(encoding)
      ? utf8BeyondAscii(body, cut)
      : undefined;
  if (asUtf8 !== undefined) {
    const overruledLabel = headerCharset(contentType) ?? encoding;
    return { text: asUtf8, encoding: "utf-8", source, replaced: false, overruledLabel };
  }
  if (encoding === "windows-1252") return { text: decodeWindows1252(body), encoding, source, replaced: false };
  try {
    const text = new TextDecoder(encoding, { fatal: true }).decode(body, { stream: cut });
    return { text, encoding, source, replaced: false };
  } catch {
    if (source === "default" && isLegacyText(mediaType(contentType), html)) {
      // Only an unknown label can have been declared: a known one would not leave the source at "default".
      const label = headerCharset(contentType);
      const text = decodeWindows1252(body);
      return {
        text,
        encoding: "windows-1252",
        source: "fallback",
        replaced: false,
        ...(label !== undefined ? { unknownLabel: label } : {}),
      };
    }
    const text = new TextDecoder(encoding).decode(body, { stream: cut });
    return { text, encoding, source, replaced: true };
  }
}

const SOURCE_WORDS: Record<CharsetSource, string> = {
  bom: "named by its byte-order mark",
  header: "named by Content-Type",
  meta: "named by the page's <meta> tag",
  xml: "named by the XML declaration",
  default: "assumed: no known charset was declared",
  fallback: "guessed: nothing was declared and the bytes are not UTF-8",
};

/**
 * One short note for the model when the text may not read as the upstream meant: bytes that did not fit the encoding,
 * or an undeclared encoding guessed as windows-1252.
 */
export function charsetNote(decoded: DecodedBody): string | undefined {
  if (decoded.overruledLabel !== undefined) {
    return `[charset: Content-Type says charset=${decoded.overruledLabel}, but JSON is UTF-8 and these bytes are valid UTF-8, so they were read as UTF-8]`;
  }
  if (decoded.source === "fallback") {
    const declared =
      decoded.unknownLabel === undefined
        ? "none was declared"
        : `the declared charset "${decoded.unknownLabel}" is not one this tool knows`;
    return `[charset: ${declared} and the body is not valid UTF-8, so it was read as windows-1252, as browsers read such legacy pages]`;
  }
  if (!decoded.replaced) return undefined;
  return `[charset: some bytes are not valid ${decoded.encoding} (${SOURCE_WORDS[decoded.source]}) and show as \uFFFD]`;
}
