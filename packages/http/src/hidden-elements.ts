import { parseAttributes } from "./html-attributes.js";

/** Elements with no content or end tag. */
const VOID = new Set("area base br col embed hr img input link meta param source track wbr".split(" "));

/** SVG and MathML: the HTML parser honours `/>` on them (`<svg … />` is empty), where `<div/>` still opens a div. */
const FOREIGN = new Set(["svg", "math"]);

/** Whether the start tag of `name` that ends at `end` in `lower` closes itself: `<svg class="icon"/>`. */
export function selfClosing(lower: string, name: string, end: number): boolean {
  return FOREIGN.has(name) && lower.startsWith("/>", end - 2);
}

/**
 * Elements whose end tag may be left out: each ends at its own end tag, at the start of a sibling (`ends`), or at
 * the end of its container (`within`). Containers opened inside it are counted so a nested list's items do not end it.
 */
const OPTIONAL_END: Readonly<Record<string, { within: string[]; ends: string[] }>> = {
  li: { within: ["ul", "ol", "menu"], ends: ["li"] },
  dt: { within: ["dl"], ends: ["dt", "dd"] },
  dd: { within: ["dl"], ends: ["dt", "dd"] },
  tr: { within: ["table", "thead", "tbody", "tfoot"], ends: ["tr"] },
  td: { within: ["tr", "table"], ends: ["td", "th", "tr"] },
  th: { within: ["tr", "table"], ends: ["td", "th", "tr"] },
  option: { within: ["select", "datalist", "optgroup"], ends: ["option", "optgroup"] },
  p: {
    within: ["div", "section", "article", "aside", "main", "header", "footer", "nav", "li", "td", "th", "body"],
    ends: "p div ul ol dl table pre blockquote section article aside header footer nav form hr h1 h2 h3 h4 h5 h6".split(
      " ",
    ),
  },
};

/**
 * Whether a start tag's attributes hide its element from every reader: `hidden` (but not `hidden=until-found`,
 * whose content the browser's find-in-page reveals), `aria-hidden="true"`, or an inline `display:none` or
 * `visibility:hidden`. Classes such as `.sr-only` are not: that text is written for readers who cannot see the page.
 */
export function hidesElement(attributeText: string): boolean {
  if (!/hidden|none|collapse/i.test(attributeText)) return false;
  const attributes = parseAttributes(attributeText);
  const hidden = attributes.get("hidden");
  if (hidden !== undefined && hidden.trim().toLowerCase() !== "until-found") return true;
  if (attributes.get("aria-hidden")?.trim().toLowerCase() === "true") return true;
  return /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse))\s*(?:!important\s*)?(?:;|$)/i.test(
    attributes.get("style") ?? "",
  );
}

/**
 * Where the element whose start tag `<name…>` ends at `from` ends in `lower` (lowercased HTML): the index after its
 * end tag, or where a sibling or its container's end implies it ended; -1 when it never ends (it then runs to the
 * end of the document, as in a browser). Scans forward once from `from`.
 */
export function elementEnd(lower: string, name: string, from: number): number {
  if (VOID.has(name) || selfClosing(lower, name, from)) return from;
  const optional = OPTIONAL_END[name];
  const names = [name, ...(optional?.within ?? []), ...(optional?.ends ?? [])];
  const tag = new RegExp(`<(/?)(${names.join("|")})(?=[\\s/>])[^<>]*>?`, "g");
  tag.lastIndex = from;
  let depth = 0;
  for (let match = tag.exec(lower); match; match = tag.exec(lower)) {
    const closing = match[1] === "/";
    const found = match[2] ?? "";
    const after = match.index + match[0].length;
    if (!optional) {
      if (!closing) depth += selfClosing(lower, found, after) ? 0 : 1;
      else if (depth-- === 0) return after;
      continue;
    }
    if (depth === 0 && !closing && optional.ends.includes(found)) return match.index;
    if (optional.within.includes(found)) {
      if (!closing) depth++;
      else if (depth-- === 0) return match.index;
      continue;
    }
    if (depth === 0 && closing && found === name) return after;
  }
  return -1;
}
