import { parseAttributes } from "./html-attributes.js";

/** How far into an HTML body a `<meta>` charset is looked for, as browsers do. */
const PRESCAN_BYTES = 1024;

/** Comments are skipped; a `<meta` tag's attributes run to the first `>` outside quotes. */
const META_OR_COMMENT = /<!--[\s\S]*?(?:-->|$)|<meta(?=[\s/])((?:[^>"']|"[^"]*"|'[^']*')*)/gi;

/** The encoding a WHATWG label names (`latin1` → `windows-1252`), or undefined for an unknown label. */
export function encodingOf(label: string): string | undefined {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
}

/**
 * The encoding an HTML body's `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">`
 * declares in its first 1024 bytes: WHATWG's "prescan a byte stream to determine its encoding", simplified
 * (comments skipped, other tags not tokenized). A meta naming an unknown label is passed over. UTF-16 becomes
 * UTF-8 (a page that could say so in ASCII is not UTF-16), as the standard says.
 */
export function prescanMetaCharset(bytes: Uint8Array): string | undefined {
  for (const match of prescanHead(bytes).matchAll(META_OR_COMMENT)) {
    if (match[1] === undefined) continue;
    const attributes = parseAttributes(match[1]);
    const charset = attributes.get("charset");
    const label =
      charset !== undefined
        ? charset
        : attributes.get("http-equiv")?.trim().toLowerCase() === "content-type"
          ? charsetInContent(attributes.get("content") ?? "")
          : undefined;
    const encoding = label === undefined ? undefined : encodingOf(label);
    if (encoding !== undefined) return declaredInAscii(encoding);
  }
  return undefined;
}

/** WHATWG's "extract a character encoding from a meta element": `charset`, `=`, then a quoted or bare value. */
export function charsetInContent(content: string): string | undefined {
  const match = /charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/i.exec(content);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/**
 * The encoding an XML body's declaration names (`<?xml version="1.0" encoding="ISO-8859-1"?>`), which must open the
 * document. As with a meta, an unknown label is passed over and UTF-16 becomes UTF-8: the declaration read as ASCII.
 */
export function xmlDeclaredEncoding(bytes: Uint8Array): string | undefined {
  const label = /^<\?xml\s[^>]*?\bencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(prescanHead(bytes));
  const encoding = label ? encodingOf(label[1] ?? label[2] ?? "") : undefined;
  return encoding === undefined ? undefined : declaredInAscii(encoding);
}

/** The first 1024 bytes, one character each: markup reads the same in any encoding that is ASCII where it is. */
function prescanHead(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PRESCAN_BYTES)).toString("latin1");
}

/** A declaration read as ASCII that names UTF-16 means UTF-8: a document that could say so in ASCII is not UTF-16. */
function declaredInAscii(encoding: string): string {
  return encoding === "utf-16le" || encoding === "utf-16be" ? "utf-8" : encoding;
}
