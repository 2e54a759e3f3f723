import type { NodeHtmlMarkdown, TranslatorConfig, TranslatorConfigFactory } from "node-html-markdown";

/**
 * Where a link or image should point, as the model will read it: resolved against `base` (the page's final URL or
 * its `<base href>`) so it can be fetched as is. `#fragment`-only links stay as written: they point into the page
 * being read, and a full URL repeated for every heading anchor is noise. `javascript:` links become undefined: the
 * caller shows their text only. A value that does not parse stays as written.
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
  return url.protocol === "javascript:" ? undefined : url.href;
}

/** The element's attribute resolved (or removed) before the library's own translator reads it. */
function resolving(
  original: TranslatorConfig | TranslatorConfigFactory,
  attribute: string,
  base: URL | undefined,
): TranslatorConfigFactory {
  const factory: TranslatorConfigFactory = (ctx) => {
    const value = ctx.node.getAttribute(attribute);
    if (value) {
      const resolved = resolveLink(value, base);
      if (resolved === undefined) ctx.node.removeAttribute(attribute);
      else ctx.node.setAttribute(attribute, resolved);
    }
    return typeof original === "function" ? original(ctx) : original;
  };
  if (typeof original === "function" && original.base) factory.base = original.base;
  return factory;
}

/** Make a converter's links and images absolute, wherever the library renders them (text, link text, table cells). */
export function resolveLinks(converter: NodeHtmlMarkdown, base: URL | undefined): void {
  for (const collection of [converter.translators, converter.aTagTranslators, converter.tableCellTranslators]) {
    for (const [tag, attribute] of [
      ["a", "href"],
      ["img", "src"],
    ] as const) {
      const original = collection.get(tag);
      if (original) collection.set(tag, resolving(original, attribute, base));
    }
  }
}
