import type { NodeHtmlMarkdown } from "node-html-markdown";

/** How a body was shown. */
export type BodyKind = "json" | "html" | "text" | "binary" | "empty";

/** A body turned into text for the model. */
export interface RenderedBody {
  kind: BodyKind;
  text: string;
}

/** Turns bodies into text; holds the lazily loaded HTML converter so cold start never pays for it. */
export interface BodyRenderer {
  render(body: Buffer, contentType: string | undefined, options: { raw: boolean; cut: boolean }): Promise<RenderedBody>;
}

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|yaml|x-yaml|toml|x-ndjson|ld\+json|problem\+json|sql|csv)\b)|[+](json|xml)\b/;

/** Create a renderer. `node-html-markdown` is imported on the first HTML body only. */
export function createBodyRenderer(): BodyRenderer {
  let converter: Promise<NodeHtmlMarkdown> | undefined;
  const html = () => {
    converter ??= import("node-html-markdown").then(
      ({ NodeHtmlMarkdown }) =>
        new NodeHtmlMarkdown({
          ignore: ["script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head"],
          maxConsecutiveNewlines: 2,
        }),
    );
    return converter;
  };
  return {
    async render(body, contentType, { raw, cut }) {
      if (body.length === 0) return { kind: "empty", text: "" };
      const mime = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
      const textual = mime ? TEXT_TYPES.test(mime) : looksLikeText(body);
      if (!textual) {
        return {
          kind: "binary",
          text: `[binary body: ${mime || "unknown type"}, ${cut ? "at least " : ""}${body.length} bytes; not shown]`,
        };
      }
      const text = decode(body, contentType);
      if (!raw && (mime === "application/json" || mime.endsWith("+json")) && !cut) {
        try {
          return { kind: "json", text: JSON.stringify(JSON.parse(text), null, 2) };
        } catch {
          return { kind: "text", text };
        }
      }
      if (!raw && (mime === "text/html" || mime === "application/xhtml+xml")) {
        return { kind: "html", text: (await html()).translate(text).trim() };
      }
      return { kind: "text", text };
    },
  };
}

/** Decode with the declared charset; unknown charsets fall back to UTF-8 and bad bytes become U+FFFD. */
export function decode(body: Buffer, contentType: string | undefined): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8").decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}

/** No content type: text if the start has no NUL bytes and decodes as UTF-8. */
function looksLikeText(body: Buffer): boolean {
  const head = body.subarray(0, 1024);
  if (head.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
    return true;
  } catch {
    return false;
  }
}
