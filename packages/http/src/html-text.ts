import { elementEnd, hidesElement, selfClosing } from "./hidden-elements.js";
import { decodeEntities } from "./html-entities.js";

/** Elements whose content is never shown in the body: code, styling, metadata and embedded objects (the page title is shown once, at the top). */
const NOISE = ["script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head", "title"];

const BLOCK =
  /<\/?(?:p|div|section|article|header|footer|main|nav|aside|ul|ol|table|tr|pre|blockquote|hr|h[1-6]|dl|dt|dd|figure|form)\b[^<>]*>/gi;

/**
 * A start tag (name, then attributes) to its first `>` outside quotes (quoted values stop at `<`, keeping this
 * linear), in lowercased HTML.
 */
export const START_TAG = `<([a-z][a-z0-9-]*)((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>`;

/**
 * Remove comments, declarations (<!DOCTYPE>), processing instructions (<?xml?>), NOISE elements and hidden elements (see hidesElement) in one linear pass (indexOf and forward
 * scans, not a backtracking regex), so hostile markup such as thousands of unclosed `<script` tags costs no more
 * than reading it. An unclosed element swallows the rest of the document, as it does in a browser.
 */
export function stripNoise(html: string): string {
  const lower = html.toLowerCase();
  let out = "";
  let at = 0;
  const open = new RegExp(
    `<!--|<!|<\\?|<(?:${NOISE.join("|")})(?=[\\s/>])|${START_TAG}|<([a-z][a-z0-9-]*)(?=[\\s/])`,
    "g",
  );
  for (;;) {
    open.lastIndex = at;
    const match = open.exec(lower);
    if (!match) break;
    const [whole, name, attributes, quotingName] = match;
    const tagName = name ?? quotingName;
    if (tagName !== undefined) {
      // A start tag, kept unless it hides its element. One with a `<` in a quoted value (an SVG data URI, a popover's
      // HTML), which START_TAG does not follow, is read to its end as browsers read it, so a `<svg` or `<script`
      // inside a value is not taken for an element that runs to its next end tag.
      const from = match.index + whole.length;
      const end = name !== undefined ? from : quotedTagEnd(lower, from);
      if (end < 0) return out + html.slice(at, match.index);
      if (!hidesElement(attributes ?? lower.slice(from, end - 1))) {
        out += html.slice(at, end);
        at = end;
        continue;
      }
      out += html.slice(at, match.index);
      const close = elementEnd(lower, tagName, end);
      if (close < 0) return out;
      at = close;
      continue;
    }
    out += html.slice(at, match.index);
    // An SVG written `<svg … />` is empty: only its tag goes, not the page up to the next `</svg>`.
    const tagEnd = whole === "<svg" ? startTagEnd(lower, match.index) : -1;
    if (tagEnd > 0 && selfClosing(lower, "svg", tagEnd)) {
      at = tagEnd;
      continue;
    }
    // A declaration such as <!DOCTYPE html>, or an XHTML page's <?xml …?>, ends at its `>` (as browsers read it);
    // the converter shows one as text.
    const closer = whole === "<!--" ? "-->" : whole === "<!" || whole === "<?" ? ">" : `</${whole.slice(1)}`;
    const end = lower.indexOf(closer, match.index + whole.length);
    if (end < 0) return out;
    const gt = lower.indexOf(">", end + closer.length - 1);
    if (gt < 0) return out;
    at = gt + 1;
  }
  return out + html.slice(at);
}

/**
 * Where a start tag whose attributes begin at `from` ends (the index after its `>`), each quoted value skipped whole
 * (a quote opens one only after `=`, as in a browser); -1 if a value's quote never closes (the tag runs to the end).
 */
function quotedTagEnd(lower: string, from: number): number {
  // An unquoted value runs to a space or `>`: a quote inside one (`href=/x?q='a`) opens nothing.
  const next = /=\s*(?:(["'])|[^\s>]*)|>/g;
  next.lastIndex = from;
  for (let match = next.exec(lower); match; match = next.exec(lower)) {
    if (match[0] === ">") return match.index + 1;
    if (match[1] === undefined) continue;
    const close = lower.indexOf(match[1], next.lastIndex);
    if (close < 0) return -1;
    next.lastIndex = close + 1;
  }
  return -1;
}

/** Where the start tag at `at` in `lower` ends (the index after its `>`), or -1 if none ends there. */
function startTagEnd(lower: string, at: number): number {
  const tag = new RegExp(START_TAG, "y");
  tag.lastIndex = at;
  return tag.exec(lower) ? tag.lastIndex : -1;
}

/**
 * `html` without a tag that never ends: `<div class="a` where the read limit cut the page, or a quote never closed.
 * Browsers drop such a tag (the tokenizer's eof-in-tag); the converter showed it as text.
 */
export function dropUnendedTag(html: string): string {
  // A tag starts with `<` and a letter, `</` and a letter, or `<!` / `<?` (a comment or declaration).
  const tagStart = /<(?:[a-z!?]|\/[a-z])/gi;
  tagStart.lastIndex = html.lastIndexOf(">") + 1;
  const start = tagStart.exec(html);
  return start ? html.slice(0, start.index) : html;
}

/**
 * Readable plain text from HTML in linear time: block elements become line breaks, list items bullets,
 * other tags go, entities are decoded. Used where full markdown conversion would be too slow.
 */
export function htmlToText(html: string): string {
  const bare = stripNoise(html)
    .replace(/<br\b[^<>]*>/gi, "\n")
    .replace(/<li\b[^<>]*>/gi, "\n* ")
    .replace(/<\/?t[dh]\b[^<>]*>/gi, " ")
    .replace(BLOCK, "\n\n")
    .replace(/<[^<>]*>/g, "");
  return decodeEntities(bare)
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Elements whose markdown depends on their whole content: never cut inside one. */
const CONTEXTS = new Set(["ul", "ol", "table", "pre", "blockquote", "dl"]);
const CUT_AFTER = new Set(["p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "figure"]);

/**
 * Split HTML into pieces of about `target` characters, cutting only after a block element closes outside any
 * list, table, pre or blockquote, so converting the pieces one by one gives the same markdown as the whole.
 * A piece with no safe cut grows past `target`; the caller decides what to do with it.
 */
export function splitHtml(html: string, target: number): string[] {
  const pieces: string[] = [];
  const tag = /<(\/?)([a-z][a-z0-9]*)\b[^<>]*>/gi;
  let depth = 0;
  let start = 0;
  for (let match = tag.exec(html); match; match = tag.exec(html)) {
    const name = (match[2] ?? "").toLowerCase();
    const closing = match[1] === "/";
    if (CONTEXTS.has(name)) depth = Math.max(0, depth + (closing ? -1 : 1));
    const end = match.index + match[0].length;
    if (
      closing &&
      depth === 0 &&
      end - start >= target &&
      (CUT_AFTER.has(name) || CONTEXTS.has(name) || /^h[1-6]$/.test(name))
    ) {
      pieces.push(html.slice(start, end));
      start = end;
    }
  }
  if (start < html.length) pieces.push(html.slice(start));
  return pieces;
}

/** Elements with no closing tag (node-html-parser's list). */
const VOID = new Set("area base br col embed hr img input link meta param source track wbr".split(" "));
/** Open elements that node-html-parser closes when one of these opens inside them… */
const CLOSED_BY_OPENING: Readonly<Record<string, readonly string[]>> = {
  li: ["li"],
  p: ["p", "div"],
  b: ["div"],
  td: ["td", "th"],
  th: ["td", "th"],
  h1: ["h1"],
  h2: ["h2"],
  h3: ["h3"],
  h4: ["h4"],
  h5: ["h5"],
  h6: ["h6"],
};
/** …or when one of these closes. */
const CLOSED_BY_CLOSING: Readonly<Record<string, readonly string[]>> = {
  li: ["ul", "ol"],
  a: ["div"],
  b: ["div"],
  i: ["div"],
  p: ["div"],
  td: ["tr", "table"],
  th: ["tr", "table"],
};

/**
 * The deepest element nesting the converter's parser (node-html-parser) builds from `html`, in one linear pass
 * that follows its rules: a closing tag that does not match the open element is ignored, so misnested markup
 * like `<b><i>x</b></i>` leaves an element open each time. Its parser repairs every element left open with work
 * proportional to its siblings, and its converter recurses per level, so deep results are not converted.
 */
export function nestingDepth(html: string): number {
  const tag = /<(\/?)([a-z][-.:0-9_a-z]*)\b[^<>]*?(\/?)>/gi;
  const stack: string[] = [];
  let max = 0;
  let openA = -1;
  for (let match = tag.exec(html); match; match = tag.exec(html)) {
    const name = (match[2] ?? "").toLowerCase();
    if (match[1] !== "/") {
      if (CLOSED_BY_OPENING[stack.at(-1) ?? ""]?.includes(name)) stack.pop();
      // The parser ends an open <a> where another <a> starts, with everything opened inside it.
      if (name === "a") {
        if (openA >= 0) stack.length = openA;
        openA = stack.length;
      }
      if (match[3] === "/" || VOID.has(name)) continue;
      stack.push(name);
      if (stack.length > max) max = stack.length;
      continue;
    }
    if (name === "a") openA = -1;
    for (;;) {
      const top = stack.at(-1);
      if (top === undefined) break;
      if (top === name) {
        stack.pop();
        break;
      }
      if (!CLOSED_BY_CLOSING[top]?.includes(name)) break;
      stack.pop();
    }
  }
  return max;
}
