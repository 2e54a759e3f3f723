/**
 * Media types whose bytes are text: a server may send a file it reads as a `blob` whatever it holds, and a
 * text/plain or JSON blob is then worth showing as the text it is, not as "binary content".
 */
const TEXT_TYPE =
  /^(?:text\/[\w.+-]+|application\/(?:json|xml|yaml|x-yaml|toml|javascript|ecmascript|sql|graphql|x-sh|[\w.-]+\+(?:json|xml|yaml)))$/i;

/**
 * A blob's text, when its media type is a text type and its bytes decode in its charset (UTF-8 unless it names
 * another) without a fault; undefined for anything else, which stays a note. Pure.
 */
export function blobText(blob: string, mimeType: string | undefined): string | undefined {
  const [essence = "", ...params] = (mimeType ?? "").split(";").map((p) => p.trim());
  if (!TEXT_TYPE.test(essence)) return undefined;
  const charset =
    params
      .find((p) => /^charset=/i.test(p))
      ?.slice(8)
      .replace(/^"|"$/g, "") || "utf-8";
  try {
    return new TextDecoder(charset, { fatal: true }).decode(Buffer.from(blob, "base64"));
  } catch {
    // An unknown charset, or bytes that are not text in it.
    return undefined;
  }
}
