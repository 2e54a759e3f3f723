import type {
  NodeHtmlMarkdown,
  PostProcessResult,
  TranslatorConfig,
  TranslatorConfigFactory,
} from "node-html-markdown";
import { imageSource } from "./lazy-image.js";

/** Schemes whose URL runs script rather than pointing anywhere: nothing the model could fetch. */
const SCRIPT_SCHEMES = new Set(["javascript:", "vbscript:"]);

/**
 * Where a link or image should point, as the model will read it: resolved against `base` (the page's final URL or
 * its `<base href>`) so it can be fetched as is. `#fragment`-only links stay as written: they point into the page
 * being read, and a full URL repeated for every heading anchor is noise. `javascript:` and `vbscript:` (script) links
 * become undefined: the caller shows their text only. A value that does not parse stays as written.
 */
export function resolveLink(value: string, base: URL | undefined): string | undefined {
  const trimmed = value.trim();
  if (trimmed.startsWith("#")) return trimmed;
  let url: URL;
  try {
    url = new URL(trimmed, base);
  } catch {
    // Only a relative or broken value fails to parse; a javascript: URL always parses.
    return trimmed;
  }
  return SCRIPT_SCHEMES.has(url.protocol) ? undefined : url.href;
}

/** Text that shows nothing: whitespace and the zero-width characters some sites put in icon links. */
const NO_TEXT = /^[\s\u200b-\u200d\u2060\ufeff]*$/;

/**
 * A permalink's mark alone: Sphinx's "¶" (Python's and Read the Docs' pages), "#" and "§" after a heading, a link or
 * anchor emoji. Pointing into the same page (`#…`), such a link only repeats the heading's id.
 */
const PERMALINK_MARK =
  /^[\s\u200b-\u200d\u2060\ufeff]*(?:¶|§|#|\u{1f517}|\u2693\ufe0f?)?[\s\u200b-\u200d\u2060\ufeff]*$/u;

/** Whether a link showing `text` and pointing to `href` shows nothing a model can use. */
function showsNothing(text: string, href: string | null | undefined): boolean {
  return NO_TEXT.test(text) || (href?.trim().startsWith("#") === true && PERMALINK_MARK.test(text));
}

/** The library writes these four in a link's URL percent-encoded, so they cannot end the link or emphasise text. */
const LIBRARY_ENCODED: Readonly<Record<string, string>> = { "(": "%28", ")": "%29", _: "%5F", "*": "%2A" };

/**
 * A link's markdown with its URL as the page wrote it but for parentheses (%28, %29), which could end the link early.
 * The library also encodes `_` and `*`, which a link's URL never needs (CommonMark reads no emphasis there), so
 * `/user_profiles?page_size=10` read `/user%5Fprofiles?page%5Fsize=10`: another URL to a server that compares paths
 * or signatures as written, and not what the model should quote or write down.
 */
function withDestination(config: TranslatorConfig, href: string | undefined | null): TranslatorConfig {
  if (!href || !/[_*]/.test(href)) return config;
  const encoded = href.replace(/[()_*]/g, (char) => LIBRARY_ENCODED[char] ?? char);
  const wanted = href.replace(/[()]/g, (char) => LIBRARY_ENCODED[char] ?? char);
  const restore = (text: string | undefined) => text?.replace(encoded, () => wanted);
  const { postfix, content } = config;
  return {
    ...config,
    ...(postfix !== undefined && { postfix: restore(postfix) }),
    ...(content !== undefined && { content: restore(content) }),
  };
}

/**
 * The element's attribute resolved (or removed) before the library's own translator reads it. With `remove` (the
 * library's PostProcessResult.RemoveNode, for links), a link that shows no text or image is left out: a heading's
 * icon anchor (GitHub's octicon, Docusaurus's zero-width hash-link) read "[](#install)"; so is a same-page permalink
 * that shows only its mark (Sphinx's "Install[¶](#install "Permalink")").
 */
function resolving(
  original: TranslatorConfig | TranslatorConfigFactory,
  attribute: string,
  base: URL | undefined,
  remove?: PostProcessResult,
  pick?: typeof imageSource,
): TranslatorConfigFactory {
  const factory: TranslatorConfigFactory = (ctx) => {
    // With `pick`, nothing picked means nothing to show: the attribute as written is no fallback (vbscript:, file:).
    const value = pick ? pick(ctx.node, base) : ctx.node.getAttribute(attribute);
    if (pick && !value) ctx.node.removeAttribute(attribute);
    if (value) {
      const resolved = resolveLink(value, base);
      if (resolved === undefined) ctx.node.removeAttribute(attribute);
      else ctx.node.setAttribute(attribute, resolved);
    }
    const written = typeof original === "function" ? original(ctx) : original;
    const config = attribute === "href" ? withDestination(written, ctx.node.getAttribute("href")) : written;
    if (remove === undefined || config.prefix !== "[") return config;
    const inner = config.postprocess;
    return {
      ...config,
      postprocess: (post) => {
        const content = inner ? inner(post) : post.content;
        return typeof content === "string" && showsNothing(content, value) ? remove : content;
      },
    };
  };
  if (typeof original === "function" && original.base) factory.base = original.base;
  return factory;
}

/**
 * Make a converter's links and images absolute, wherever the library renders them (text, link text, table cells), and
 * leave out links with no text. An image loaded lazily is shown by the URL it loads (see imageSource). `remove` is the
 * library's PostProcessResult.RemoveNode, as it is loaded lazily.
 */
export function resolveLinks(converter: NodeHtmlMarkdown, base: URL | undefined, remove: PostProcessResult): void {
  for (const collection of [converter.translators, converter.aTagTranslators, converter.tableCellTranslators]) {
    const link = collection.get("a");
    if (link) collection.set("a", resolving(link, "href", base, remove));
    const image = collection.get("img");
    if (image) collection.set("img", resolving(image, "src", base, undefined, imageSource));
  }
}
