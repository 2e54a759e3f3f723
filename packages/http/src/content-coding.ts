// Which decoders a Content-Encoding asks for. RFC 9110 §8.4: the codings are listed in the order they were applied,
// so they are undone from the last to the first. Pure: the body reader (response-body.ts) builds the streams.

/** A coding this tool decodes. */
export type Coding = "gzip" | "deflate" | "br";

const KNOWN: Readonly<Record<string, Coding>> = { gzip: "gzip", "x-gzip": "gzip", deflate: "deflate", br: "br" };

/**
 * The most codings one body may list. Each is a decoder stream of its own: a header of 2,000 `gzip`s (it fits in the
 * 16 KiB header limit) took seconds and hundreds of MB a call, and ten at once stalled the server. curl stops at 5 too.
 */
export const MAX_CODINGS = 5;

/** What to undo: the codings, in the order to undo them; or the first listed one this tool cannot decode; or too many. */
export type DecodingOrder = { codings: Coding[] } | { unsupported: string } | { tooMany: number };

/** The codings to undo, in the order to undo them, or why they cannot all be undone. */
export function decodingOrder(header: string | undefined): DecodingOrder {
  const listed = (header ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "" && name !== "identity");
  const unsupported = listed.find((name) => KNOWN[name] === undefined);
  if (unsupported !== undefined) return { unsupported };
  if (listed.length > MAX_CODINGS) return { tooMany: listed.length };
  return { codings: listed.map((name) => KNOWN[name] as Coding).reverse() };
}
