// Which decoders a Content-Encoding asks for. RFC 9110 §8.4: the codings are listed in the order they were applied,
// so they are undone from the last to the first. Pure: the body reader (response-body.ts) builds the streams.

/** A coding this tool decodes. */
export type Coding = "gzip" | "deflate" | "br";

const KNOWN: Readonly<Record<string, Coding>> = { gzip: "gzip", "x-gzip": "gzip", deflate: "deflate", br: "br" };

/** The codings to undo, in the order to undo them, or the first listed coding this tool cannot decode. */
export function decodingOrder(header: string | undefined): { codings: Coding[] } | { unsupported: string } {
  const listed = (header ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "" && name !== "identity");
  const unsupported = listed.find((name) => KNOWN[name] === undefined);
  if (unsupported !== undefined) return { unsupported };
  return { codings: listed.map((name) => KNOWN[name] as Coding).reverse() };
}
