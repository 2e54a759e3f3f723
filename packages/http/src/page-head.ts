import { parseAttributes } from "./html-attributes.js";
import { decodeEntities } from "./html-entities.js";

/** A start tag's attributes, to its first `>` outside quotes (quoted values stop at `<`, which keeps it linear). */
const BASE = /<base(?=[\s/>])((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>/gi;

/** A `<meta>` tag's attributes, read as BASE reads <base>'s. */
const META = /<meta(?=[\s/])((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>/gi;

/** What a page's head says about reading its body: its title, and the URL its links are relative to. */
export interface PageHead {
  title: string | undefined;
  /** `<base href>` resolved against the page's URL, else the page's URL; undefined when neither is known. */
  base: URL | undefined;
  /** The http(s) URL a `<meta http-equiv="refresh">` sends a browser on to: the page is a redirect. */
  refresh?: string;
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
  const refresh = refreshOf(head, base);
  return refresh ? { title: titleOf(head), base, refresh } : { title: titleOf(head), base };
}

/** The first `<meta http-equiv="refresh">`'s http(s) URL, resolved against `base` (as browsers resolve it). */
function refreshOf(head: string, base: URL | undefined): string | undefined {
  for (const match of head.matchAll(META)) {
    const attributes = parseAttributes(match[1] ?? "");
    if (attributes.get("http-equiv")?.trim().toLowerCase() !== "refresh") continue;
    const target = refreshTarget(decodeEntities(attributes.get("content") ?? ""));
    const url = target === undefined ? undefined : parseUrl(target, base);
    return url && /^https?:$/.test(url.protocol) ? url.href : undefined;
  }
  return undefined;
}

/**
 * The URL of a refresh's `content` (`0; url=/next`, `5;URL='/next'`, `0, /next`), per WHATWG's shared declarative
 * refresh steps; undefined for one that only reloads the page (`30`) or does not start with a delay.
 */
export function refreshTarget(content: string): string | undefined {
  const match = /^[\t\n\f\r ]*(?:\d+(?:\.[\d.]*)?|\.[\d.]+)[\t\n\f\r ]*[;,]?[\t\n\f\r ]*([\s\S]*)$/.exec(content);
  let url = (match?.[1] ?? "").replace(/^url[\t\n\f\r ]*=[\t\n\f\r ]*/i, "");
  const quote = url[0];
  if (quote === '"' || quote === "'") {
    const end = url.indexOf(quote, 1);
    url = url.slice(1, end < 0 ? undefined : end);
  }
  url = url.trim();
  return url === "" ? undefined : url;
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
