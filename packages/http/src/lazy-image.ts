// Lazy-loaded images: a page that loads its images as they scroll into view writes the URL in data-src (lazysizes,
// lazyload), or only a srcset, or only <picture>'s <source>s, and leaves src empty or a data: placeholder. The
// converter shows an image by its src alone, so such a page's images were dropped. Only a URL that resolves to http(s)
// is ever chosen: a javascript: or data: candidate chosen and then dropped by the caller hid the page's good one.
// Pure: the element's attributes and the page's base URL.

/** Attributes lazy-loading scripts copy into src; where one is set, src holds a placeholder. */
const LAZY_SRC = ["data-src", "data-lazy-src", "data-original"];
/** …and into srcset: where one is set, src too holds a placeholder (lazysizes' `data-srcset` over a blurred `src`). */
const LAZY_SRCSETS = ["data-srcset", "data-lazy-srcset"];
/** Every srcset attribute, a lazy one first, as a <source> may have either. */
const SRCSETS = [...LAZY_SRCSETS, "srcset"];
/** The image types Claude takes: a <source> of one is preferred, as http_get returns it as an image. */
const TAKEN = /^image\/(png|jpeg|gif|webp)$/i;

/** The part of a parsed HTML element this reads (node-html-parser's HTMLElement has it). */
export interface ImageElement {
  tagName?: string;
  getAttribute(name: string): string | null | undefined;
  parentNode?: unknown;
  childNodes?: ArrayLike<unknown>;
}

/**
 * The URL an `<img>` shows, as written (the caller resolves it against `base`): a lazy-loading attribute's
 * (`data-src`, else the best of `data-srcset`), else `src`, else the best of its `srcset`, else, inside a `<picture>`,
 * the best of the first `<source>` of a type Claude takes (or of none named), else of the first. Only URLs that
 * resolve to http(s) count (see isShown). Undefined when there is none.
 */
export function imageSource(img: ImageElement, base?: URL): string | undefined {
  const shown = (value: string | undefined) => isShown(value, base);
  const own =
    LAZY_SRC.map((name) => img.getAttribute(name)?.trim()).find(shown) ??
    srcsetOf(img, LAZY_SRCSETS, base) ??
    [img.getAttribute("src")?.trim()].find(shown) ??
    srcsetOf(img, ["srcset"], base);
  if (own !== undefined) return own;
  const picture = img.parentNode as ImageElement | undefined;
  if (picture?.tagName?.toUpperCase() !== "PICTURE") return undefined;
  const sources = Array.from(picture.childNodes ?? []).filter(
    (node): node is ImageElement => (node as ImageElement).tagName?.toUpperCase() === "SOURCE",
  );
  const taken = sources.filter((source) => {
    const type = source.getAttribute("type")?.trim();
    return !type || TAKEN.test(type);
  });
  for (const source of [...taken, ...sources]) {
    const url = srcsetOf(source, SRCSETS, base);
    if (url !== undefined) return url;
  }
  return undefined;
}

/** The best URL of the element's first srcset attribute of `names` that has one. */
function srcsetOf(element: ImageElement, names: readonly string[], base: URL | undefined): string | undefined {
  for (const name of names) {
    const url = bestCandidate(element.getAttribute(name) ?? "", base);
    if (url !== undefined) return url;
  }
  return undefined;
}

/**
 * The largest image a srcset offers among those that resolve to http(s) against `base`: the widest by `w`, else the
 * densest by `x` (no descriptor is 1x), as a browser on the largest screen would choose. URLs may hold commas
 * (`w_300,h_200`); a candidate is split off at a comma after whitespace, or at one ending its URL, as the HTML
 * standard parses it.
 */
export function bestCandidate(srcset: string, base?: URL): string | undefined {
  let best: { url: string; width: number; density: number } | undefined;
  let at = 0;
  while (at < srcset.length) {
    while (at < srcset.length && /[\s,]/.test(srcset[at] ?? "")) at++;
    let end = at;
    while (end < srcset.length && !/\s/.test(srcset[end] ?? "")) end++;
    let url = srcset.slice(at, end);
    let descriptor = "";
    if (url.endsWith(",")) {
      url = url.replace(/,+$/, "");
      at = end;
    } else {
      const comma = srcset.indexOf(",", end);
      descriptor = srcset.slice(end, comma < 0 ? undefined : comma).trim();
      at = comma < 0 ? srcset.length : comma + 1;
    }
    const width = /^(\d+)w$/i.exec(descriptor)?.[1];
    const density = descriptor === "" ? "1" : /^(\d*\.?\d+)x$/i.exec(descriptor)?.[1];
    if (!isShown(url, base) || (width === undefined && density === undefined)) continue;
    const candidate = { url, width: Number(width ?? 0), density: Number(density ?? 0) };
    if (!best || candidate.width > best.width || (candidate.width === best.width && candidate.density > best.density)) {
      best = candidate;
    }
  }
  return best?.url;
}

/** What a relative URL is resolved against when the page's URL is unknown: only its scheme matters here. */
const SOME_PAGE = "http://page.invalid/";

/**
 * A URL worth showing: set, and http(s) once resolved against `base` (as a browser reads it, tabs and newlines in
 * "java&#9;script:" dropped). A data: placeholder, javascript:, vbscript:, file: and the unparsable never are.
 */
function isShown(value: string | undefined, base: URL | undefined): value is string {
  if (value === undefined || value === "") return false;
  try {
    return /^https?:$/.test(new URL(value, base ?? SOME_PAGE).protocol);
  } catch {
    return false;
  }
}
