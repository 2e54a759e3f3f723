import type { NodeHtmlMarkdown } from "node-html-markdown";
import { codeTables } from "./code-table.js";
import { FORM_CONTROLS, formControl } from "./form-control.js";
import { interop } from "./interop.js";
import { resolveLinks } from "./link-rules.js";
import { listItem } from "./list-item.js";
import { preBlock } from "./pre-block.js";
import { cellBlock, tableCell } from "./table-cell.js";

/** Builds a converter for one page; links resolve against that page's base. */
export type ConverterFactory = (base: URL | undefined) => NodeHtmlMarkdown;

/**
 * Import node-html-markdown and return a factory of converters configured with our rules. A converter is cheap
 * (about 0.1 ms), so each page gets its own and nothing about one page is shared with another.
 */
export async function loadConverterFactory(): Promise<ConverterFactory> {
  const { NodeHtmlMarkdown, PostProcessResult } = interop(await import("node-html-markdown"));
  return (base) => {
    const converter = new NodeHtmlMarkdown(
      {
        ignore: ["script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head", "title"],
        // Off: the library's collapsing reaches into code blocks; collapseBlankLines does it outside them.
        maxConsecutiveNewlines: 0,
      },
      {
        li: listItem(PostProcessResult.RemoveNode),
        pre: preBlock(PostProcessResult.RemoveNode),
        [FORM_CONTROLS]: formControl,
      },
    );
    resolveLinks(converter, base, PostProcessResult.RemoveNode);
    codeTables(converter);
    // The library has no rule for <br> in a table cell, so "multi<br>line" read "multiline"; a cell is one line.
    converter.tableCellTranslators.set("br", { content: "<br>", recurse: false });
    // Nor for inline <code> in a cell or a link's text: an options table's `true` or a link to `parse()` read as
    // prose. The library's own inline-code rule (backticks longer than any inside) serves both.
    const code = converter.translators.get("code");
    converter.tableCellTranslators.set("code", code);
    converter.aTagTranslators.set("code", code);
    converter.tableCellTranslators.set("p,div,li,blockquote", cellBlock);
    converter.tableRowTranslators.set("th,td", tableCell);
    converter.tableCellTranslators.set(FORM_CONTROLS, formControl);
    return converter;
  };
}
