import { DEFAULT_MAX_IMAGE_BYTES, MAX_IMAGE_SIDE } from "@mcp-toolkit/core";
import type { NodeHtmlMarkdown } from "node-html-markdown";
import { binaryUnderTextType, textThroughout } from "./binary-bytes.js";
import { type BudgetGate, createBudgetGate } from "./budget-gate.js";
import { charsetNote, decodeBody } from "./charset.js";
import { codePointCount } from "./code-points.js";
import { sniffsHtml } from "./html-sniff.js";
import { dropUnendedTag, htmlToText, nestingDepth, splitHtml, stripNoise } from "./html-text.js";
import { type ImageLimit, judgeImageBody, sniffsImage } from "./image-body.js";
import { indentJson } from "./json-indent.js";
import { mainContent } from "./main-content.js";
import { type ConverterFactory, loadConverterFactory } from "./markdown-converter.js";
import { isJsonType, mediaType } from "./media-type.js";
import { DEFAULT_MAX_CONVERSIONS } from "./memory-budget.js";
import { pageHead } from "./page-head.js";
import { collapseBlankLines } from "./pre-block.js";
import { isScriptShell } from "./script-shell.js";

/** How a body was shown. */
export type BodyKind = "json" | "html" | "text" | "binary" | "image" | "empty";

/** A body turned into text for the model. */
export interface RenderedBody {
  kind: BodyKind;
  text: string;
  /** Said alongside the body: bytes that did not decode were replaced, or the charset was guessed. */
  note?: string;
  /** HTML the time limit left no time to convert to markdown, shown as read. */
  unconverted?: true;
  /** …because the time limit passed while it waited its turn behind this many pages converted at once (maxConversions). */
  conversionsAtOnce?: number;
  /** HTML shown as its main content only, and what marked it (`<main>`…): the page's chrome was left out. */
  mainContent?: string;
  /** The URL an HTML page's `<meta http-equiv="refresh">` redirects to, which a browser would go on to. */
  refresh?: string;
  /** HTML with scripts and almost no text: a page the browser builds (see isScriptShell). */
  scriptShell?: true;
  /** A body refused by a limit (an image over the image limit), by the cause the stats resource counts it under. */
  refusal?: "size";
  /** An image body, whole and within the image limit, base64, for image content; `text` is the line about it. */
  image?: { data: string; mimeType: string };
  /** JSON shown re-indented: how many characters (code points) it has as sent, which `raw` shows. */
  asSentChars?: number;
}

/** Turns bodies into text; holds the lazily loaded HTML converter so cold start never pays for it. */
export interface BodyRenderer {
  /**
   * `signal` (the call was cancelled) stops an HTML conversion between pieces, and the render fails; `deadline` (the
   * call ran out of time) stops it too, and the HTML is shown unconverted: what was read is the answer, as it is for
   * any other body the time limit cuts. `url`, the final URL after redirects, is what relative links in HTML are
   * resolved against.
   */
  render(
    body: Buffer,
    contentType: string | undefined,
    options: {
      raw: boolean;
      cut: boolean;
      /** The read stopped once the page asked for was in hand (the body's type is text), not at a limit. */
      stoppedAtPage?: boolean;
      signal?: AbortSignal;
      deadline?: AbortSignal;
      url?: string;
    },
  ): Promise<RenderedBody>;
}

/** HTML is converted to markdown in pieces of about this many characters… */
const MARKDOWN_PIECE_CHARS = 16_000;
/** …and a piece that cannot be cut below this is shown as plain text. */
const MARKDOWN_MAX_PIECE_CHARS = 100_000;
/** …as is one nested deeper than this (real pages rarely pass 50). */
const MARKDOWN_MAX_DEPTH = 200;

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|yaml|x-yaml|toml|x-ndjson|ld\+json|problem\+json|sql|csv)\b)|[+](json|xml)\b/;

/** Types that name no format, only bytes: a body so labelled is read like one with no type. */
const UNKNOWN_TYPES = new Set(["application/octet-stream", "binary/octet-stream", "application/unknown"]);

/**
 * Create a renderer; `images` bounds the image bodies it returns as images, `conversions` the HTML pages it converts
 * at once (each takes many times its size in heap): more wait their turn. `node-html-markdown` is imported on the
 * first HTML body only.
 */
export function createBodyRenderer(
  images: ImageLimit = {
    maxBytes: DEFAULT_MAX_IMAGE_BYTES,
    setting: "maxImageBytes",
    maxSide: MAX_IMAGE_SIDE,
    sideSetting: "maxImageSide",
  },
  conversions: BudgetGate = createBudgetGate(DEFAULT_MAX_CONVERSIONS),
): BodyRenderer {
  let converters: Promise<ConverterFactory> | undefined;
  // node-html-markdown slows down with the square of its output and recurses per nesting level. Converting a
  // large page in pieces keeps it linear; a piece that cannot be cut small enough, or nests too deeply, is
  // shown as plain text rather than blocking the server.
  // Between pieces the event loop turns, so other calls make progress and a cancelled call stops.
  const toMarkdown = async (
    source: string,
    url: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ markdown: string; mainContent?: string; refresh?: string; scriptShell?: true }> => {
    converters ??= loadConverterFactory();
    const { title, base, refresh } = pageHead(source, url);
    const converter = (await converters)(base);
    const page = stripNoise(dropUnendedTag(source));
    const main = mainContent(page);
    const body = main?.html ?? page;
    // The title heads the page unless the page has its own top heading (which usually repeats it).
    const titled = title !== undefined && !/<h1[\s>]/i.test(body);
    const out: string[] = titled ? [`# ${title}`] : [];
    for (const piece of splitHtml(body, MARKDOWN_PIECE_CHARS)) {
      signal?.throwIfAborted();
      out.push(convert(converter, piece));
      await new Promise((resolve) => setImmediate(resolve));
    }
    signal?.throwIfAborted();
    const markdown = out.filter(Boolean).join("\n\n");
    // The page's text without the title heading added above (a page with its own <h1> has none added).
    const shell = !main && isScriptShell(source, out.slice(titled ? 1 : 0).join("\n"));
    return {
      markdown,
      ...(main && { mainContent: main.marker }),
      ...(refresh && { refresh }),
      ...(shell && { scriptShell: true }),
    };
  };
  return {
    async render(body, contentType, { raw, cut, stoppedAtPage, signal, deadline, url }) {
      if (body.length === 0) return { kind: "empty", text: "" };
      const mime = mediaType(contentType);
      // "Some bytes" says no more than no type at all (S3 and many file servers label every file so): look inside.
      const unknown = !mime || UNKNOWN_TYPES.has(mime);
      const sniffed = unknown && sniffsHtml(body);
      // An image's bytes are an image's, whatever the type says: a PNG typed text/plain would show as mojibake.
      const image = sniffsImage(body);
      const size = `${cut ? "at least " : ""}${body.length} bytes`;
      // So would other bytes that are no text, unless the call asked for the body as sent.
      if (!image && !unknown && !raw && TEXT_TYPES.test(mime) && binaryUnderTextType(body, contentType)) {
        const why = `typed ${mime}, but its bytes are binary, not text (NUL or other control bytes near its start)`;
        return {
          kind: "binary",
          text: `[binary body: ${mime}, ${size}; not shown: ${why}; http_request with raw: true shows it as text]`,
        };
      }
      // A type this tool does not know as text (JSON Lines, AWS's x-amz-json) whose bytes are text all through is text.
      const textual =
        !image &&
        (unknown
          ? sniffed || looksLikeText(body)
          : TEXT_TYPES.test(mime) || (!mime.startsWith("image/") && textThroughout(body, contentType, cut)));
      if (!textual) {
        const judged = judgeImageBody(body, mime, cut && (stoppedAtPage ? "page" : "limit"), images);
        if ("why" in judged) {
          const text = `[binary body: ${mime || "unknown type"}, ${size}; not shown: ${judged.why}]`;
          return judged.refusal ? { kind: "binary", text, refusal: judged.refusal } : { kind: "binary", text };
        }
        const { mimeType } = judged;
        const typed = mime && mime !== mimeType ? ` (typed ${mime})` : "";
        const from = url ? `, from ${url}` : "";
        const text = `[image: ${mimeType}${typed}, ${body.length} bytes${from}; sent as image content]`;
        return { kind: "image", text, image: { data: body.toString("base64"), mimeType } };
      }
      const html = sniffed || mime === "text/html" || mime === "application/xhtml+xml";
      const stops = [signal, deadline].filter((stop) => stop !== undefined);
      const stop = stops.length > 0 ? AbortSignal.any(stops) : undefined;
      // A page to convert waits its turn before it is even decoded: its text is the first of what converting holds.
      const turn = !raw && html ? conversions.hold() : undefined;
      try {
        await turn?.resize(1, stop);
      } catch (error) {
        if (!deadline?.aborted || signal?.aborted) throw error;
        const decoded = decodeBody(body, contentType, { html, cut });
        const note = charsetNote(decoded);
        return {
          kind: "text",
          text: decoded.text,
          ...(note && { note }),
          unconverted: true,
          conversionsAtOnce: conversions.limit,
        };
      }
      try {
        return await renderText(body, contentType, mime, { html, raw, cut, signal, deadline, stop, url });
      } finally {
        turn?.release();
      }
    },
  };

  async function renderText(
    body: Buffer,
    contentType: string | undefined,
    mime: string,
    { html, raw, cut, signal, deadline, stop, url }: TextOptions,
  ): Promise<RenderedBody> {
    const decoded = decodeBody(body, contentType, { html, cut });
    const { text } = decoded;
    const note = charsetNote(decoded);
    const shown = (kind: BodyKind, text: string): RenderedBody => (note ? { kind, text, note } : { kind, text });
    if (!raw && isJsonType(mime) && !cut) {
      const indented = indentJson(text);
      if (indented !== undefined) return { ...shown("json", indented), asSentChars: codePointCount(text) };
      if (isJsonText(text)) return shown("text", text);
      // Unmarked, a proxy's HTML error page or a trailing comma typed as JSON reads as the API's JSON answer.
      const invalid = `[not valid JSON, though typed ${mime}: shown as sent]`;
      return { kind: "text", text, note: note ? `${note}\n\n${invalid}` : invalid };
    }
    if (raw || !html) return shown("text", text);
    try {
      const { markdown, mainContent, refresh, scriptShell } = await toMarkdown(text, url, stop);
      return {
        ...shown("html", markdown),
        ...(mainContent && { mainContent }),
        ...(refresh && { refresh }),
        ...(scriptShell && { scriptShell }),
      };
    } catch (error) {
      // A page still streaming when the limit passed leaves no time at all: it stops before the first piece.
      if (!deadline?.aborted || signal?.aborted) throw error;
      return { ...shown("text", text), unconverted: true };
    }
  }
}

/** How a text body is to be shown, and what stops its conversion. */
interface TextOptions {
  html: boolean;
  raw: boolean;
  cut: boolean;
  signal: AbortSignal | undefined;
  deadline: AbortSignal | undefined;
  stop: AbortSignal | undefined;
  url: string | undefined;
}

function convert(converter: NodeHtmlMarkdown, piece: string): string {
  if (piece.length > MARKDOWN_MAX_PIECE_CHARS || nestingDepth(piece) > MARKDOWN_MAX_DEPTH) return htmlToText(piece);
  try {
    return collapseBlankLines(converter.translate(piece)).trim();
  } catch {
    return htmlToText(piece);
  }
}

/** Whether `text` parses as JSON (indentJson also declines JSON nested too deep to indent). */
function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
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
