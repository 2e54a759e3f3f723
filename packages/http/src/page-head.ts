import { parseAttributes } from "./html-attributes.js";
import { decodeEntities } from "./html-text.js";

/** A start tag's attributes, to its first `>` outside quotes (quoted values stop at `<`, which keeps it linear). */
const BASE = /<base(?=[\s/>])((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>/gi;

/** What a page's head says about reading its body: its title, and the URL its links are relative to. */
export interface PageHead {
  title: string | undefined;
  /** `<base href>` resolved against the page's URL, else the page's URL; undefined when neither is known. */
  base: URL | undefined;
}

/**
 * The title and link base of an HTML page fetched from `pageUrl` (the final URL, after redirects). Looked for
 * before `<body` only, so an SVG's `<title>` in the body is not taken for the page's.
 */
export function pageHead(html: string, pageUrl: string | undefined): PageHead {
  const bodyAt = html.search(/<body[\s>]/i);
  const head = bodyAt < 0 ? html : html.slice(0, bodyAt);
  const page = parseUrl(pageUrl);
  // The first <base> with an href counts, as in browsers.
  const href = Array.from(head.matchAll(BASE))
    .map((match) => parseAttributes(match[1] ?? "").get("href"))
    .find((value) => value !== undefined);
  const base = (href ? parseUrl(decodeEntities(href.trim()), page) : undefined) ?? page;
  return { title: titleOf(head), base };
}

function titleOf(head: string): string | undefined {
  const open = /<title[^<>]*>/i.exec(head);
  if (!open) return undefined;
  const start = open.index + open[0].length;
  const end = head.toLowerCase().indexOf("</title", start);
  const title = decodeEntities(head.slice(start, end < 0 ? undefined : end))
    .replace(/\s+/g, " ")
    .trim();
  return title || undefined;
}

function parseUrl(url: string | undefined, base?: URL): URL | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url, base);
  } catch {
    return undefined;
  }
}
