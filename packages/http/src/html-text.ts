/** Elements whose content is never shown: code, styling, metadata and embedded objects. */
const NOISE = ["script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head"];

const BLOCK =
  /<\/?(?:p|div|section|article|header|footer|main|nav|aside|ul|ol|table|tr|pre|blockquote|hr|h[1-6]|dl|dt|dd|figure|form)\b[^<>]*>/gi;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/**
 * Remove comments and NOISE elements in one linear pass (indexOf, not a backtracking regex), so hostile
 * markup such as thousands of unclosed `<script` tags costs no more than reading it. An unclosed element
 * swallows the rest of the document, as it does in a browser.
 */
export function stripNoise(html: string): string {
  const lower = html.toLowerCase();
  let out = "";
  let at = 0;
  const open = new RegExp(`<!--|<(?:${NOISE.join("|")})(?=[\\s/>])`, "g");
  for (;;) {
    open.lastIndex = at;
    const match = open.exec(lower);
    if (!match) break;
    out += html.slice(at, match.index);
    const closer = match[0] === "<!--" ? "-->" : `</${match[0].slice(1)}`;
    const end = lower.indexOf(closer, match.index + match[0].length);
    if (end < 0) return out;
    const gt = lower.indexOf(">", end + closer.length - 1);
    if (gt < 0) return out;
    at = gt + 1;
  }
  return out + html.slice(at);
}

/**
 * Readable plain text from HTML in linear time: block elements become line breaks, list items bullets,
 * other tags go, entities are decoded. Used where full markdown conversion would be too slow.
 */
export function htmlToText(html: string): string {
  return stripNoise(html)
    .replace(/<br\b[^<>]*>/gi, "\n")
    .replace(/<li\b[^<>]*>/gi, "\n* ")
    .replace(/<\/?t[dh]\b[^<>]*>/gi, " ")
    .replace(BLOCK, "\n\n")
    .replace(/<[^<>]*>/g, "")
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (whole, name: string) => decodeEntity(whole, name))
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function decodeEntity(whole: string, name: string): string {
  if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? whole;
  const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
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

/** Elements with no closing tag, or whose closing tag browsers supply, so they do not nest. */
const FLAT = new Set(
  "area base br col embed hr img input link meta param source track wbr p li dt dd tr td th option".split(" "),
);

/** The deepest element nesting in `html`, approximately (unclosed elements count as open). */
export function nestingDepth(html: string): number {
  const tag = /<(\/?)([a-z][a-z0-9]*)\b[^<>]*?(\/?)>/gi;
  let depth = 0;
  let max = 0;
  for (let match = tag.exec(html); match; match = tag.exec(html)) {
    if (match[3] === "/" || FLAT.has((match[2] ?? "").toLowerCase())) continue;
    depth = Math.max(0, depth + (match[1] === "/" ? -1 : 1));
    if (depth > max) max = depth;
  }
  return max;
}
