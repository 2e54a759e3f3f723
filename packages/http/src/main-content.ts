// A page's main content, when its own markup names it: the menus, cookie banners and footers around an article would
// otherwise come first and spend the reader's budget. Conservative by design: only a page that marks one element as
// its main content (one <main> or role="main", else one <article> outside the page's chrome) is trimmed; any other
// page, and any markup this cannot follow to the end, is shown whole. Pure and linear: forward scans and jumps, each
// element's end found once (elementEnd), never a backtracking pattern.
import { elementEnd } from "./hidden-elements.js";
import { parseAttributes } from "./html-attributes.js";
import { START_TAG } from "./html-text.js";

/** The main content of a page and how it was found. */
export interface MainContent {
  html: string;
  /** What marked it, for the reader: `<main>`, `<article>` or `role="main"`. */
  marker: string;
}

/** A page's own chrome: an <article> inside one is a teaser or related link, not the page's main content. */
const CHROME = new Set(["nav", "aside", "header", "footer"]);

/**
 * The main content of `html` (already free of scripts, comments and hidden elements: see stripNoise), or undefined
 * when the page marks none, marks several, or nothing with text would be left out. Inside a <main>, navigation and
 * sidebars (<nav>, an <aside> of links) outside any <article> are left out too; a <header> or <footer> there, and an
 * <aside> of prose (a note), are the content's own.
 */
export function mainContent(html: string): MainContent | undefined {
  const lower = html.toLowerCase();
  const main = marked(lower, (name, attributes) => name === "main" || role(attributes) === "main", false);
  const found =
    main === undefined || main.length > 1
      ? undefined
      : main.length === 1
        ? main
        : marked(lower, (name) => name === "article", true);
  const marks = found?.filter((mark) => !mark.chrome);
  const only = marks?.length === 1 ? marks[0] : undefined;
  if (!only) return undefined;
  const { start, end, name } = only;
  const content = name === "article" ? html.slice(start, end) : withoutChrome(html, lower, start, end);
  const dropped = html.slice(0, start) + html.slice(end);
  if (!hasText(content) || (content.length === end - start && !hasText(dropped))) return undefined;
  // An <article> only the page's markup names, in a sidebar of plain <div>s, may be a card beside the real text.
  if (name === "article" && textLength(content) < textLength(outside(lower, found ?? []))) return undefined;
  return { html: content, marker: name === "main" ? "<main>" : name === "article" ? "<article>" : 'role="main"' };
}

/** `lower` without the elements `found` (in order, not overlapping). */
function outside(lower: string, found: Found[]): string {
  let out = "";
  let at = 0;
  for (const { start, end } of found) {
    out += lower.slice(at, start);
    at = end;
  }
  return out + lower.slice(at);
}

interface Found {
  name: string;
  start: number;
  end: number;
  /** Whether this is the page's chrome (nav, aside, header, footer), passed over, not picked. */
  chrome: boolean;
}

/**
 * The outermost elements `wanted` picks, in order; undefined when one never ends (the markup cannot be followed).
 * With `skipChrome`, the page's nav, aside, header and footer are passed over, with whatever they hold, and listed as
 * chrome.
 */
function marked(
  lower: string,
  wanted: (name: string, attributes: string) => boolean,
  skipChrome: boolean,
): Found[] | undefined {
  const tag = new RegExp(START_TAG, "g");
  const found: Found[] = [];
  for (let match = tag.exec(lower); match; match = tag.exec(lower)) {
    const name = match[1] ?? "";
    const chrome = skipChrome && CHROME.has(name);
    if (!chrome && !wanted(name, match[2] ?? "")) continue;
    const end = elementEnd(lower, name, match.index + match[0].length);
    if (end < 0) return undefined;
    found.push({ name, start: match.index, end, chrome });
    tag.lastIndex = end;
  }
  return found;
}

/**
 * The element from `start` to `end` without the <nav> elements in it that no <article> holds, nor the <aside>s that
 * are mostly links (related links, a table of contents): an <aside> of prose is a note or warning in the text.
 */
function withoutChrome(html: string, lower: string, start: number, end: number): string {
  const tag = /<(article|nav|aside)(?=[\s/>])[^<>]*>?/g;
  tag.lastIndex = start + 1;
  let out = "";
  let at = start;
  for (let match = tag.exec(lower); match && match.index < end; match = tag.exec(lower)) {
    const close = elementEnd(lower, match[1] ?? "", match.index + match[0].length);
    if (close < 0 || close > end) break;
    if (match[1] === "nav" || (match[1] === "aside" && mostlyLinks(lower.slice(match.index, close)))) {
      out += html.slice(at, match.index);
      at = close;
    }
    tag.lastIndex = close;
  }
  return out + html.slice(at, end);
}

/** The first token of a role attribute, lowercased (`role="main banner"` is main, as ARIA takes the first). */
function role(attributes: string): string | undefined {
  if (!/role/i.test(attributes)) return undefined;
  return parseAttributes(attributes).get("role")?.trim().toLowerCase().split(/\s+/)[0];
}

/**
 * Whether at least half the text of `lower` (lowercased HTML), its headings aside, is link text; true when it has
 * none. Each link or heading is measured once, up to its first closing tag, so this stays linear.
 */
function mostlyLinks(lower: string): boolean {
  const open = /<(a|h[1-6])[\s>]/g;
  let linked = 0;
  let headings = 0;
  const unclosed = new Set<string>();
  for (let match = open.exec(lower); match; match = open.exec(lower)) {
    const name = match[1] ?? "";
    const close = unclosed.has(name) ? -1 : lower.indexOf(`</${name}>`, match.index);
    if (close < 0) {
      unclosed.add(name);
      continue;
    }
    const length = textLength(lower.slice(match.index, close));
    if (name === "a") linked += length;
    else headings += length;
    open.lastIndex = close;
  }
  return linked * 2 >= textLength(lower) - headings;
}

/** Characters of text outside the tags of `html`, runs of whitespace counted as one. */
function textLength(html: string): number {
  return html
    .replace(/<[^<>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim().length;
}

/** Whether HTML holds any text outside its tags. */
function hasText(html: string): boolean {
  return /\S/.test(html.replace(/<[^<>]*>/g, ""));
}
