import type { NodeHtmlMarkdown, TranslatorConfig, TranslatorConfigFactory } from "node-html-markdown";

// Highlighters that number lines (Pygments' and Sphinx's `highlighttable`, Rouge, MkDocs Material's `linenums`) put
// the numbers and the code side by side in a one-row table. A markdown table cell is one line, so the library wrote
// the code as one line, its line breaks and indentation gone. Such a table is shown as its code block instead.

interface ElementLike {
  querySelectorAll(selector: string): ArrayLike<ElementLike>;
  textContent: string;
}

/** A table of one row with a `<pre>` in it: code beside its line numbers, not data. */
export function isCodeTable(table: ElementLike): boolean {
  const rows = table.querySelectorAll("tr");
  return rows.length === 1 && (rows[0]?.querySelectorAll("pre").length ?? 0) > 0;
}

/** A cell of such a table that holds only the line numbers (in a `<pre>` of their own). */
export function isLineNumberCell(cell: ElementLike): boolean {
  return cell.querySelectorAll("pre").length > 0 && /^[\d\s]*$/.test(cell.textContent);
}

/** Show a converter's code tables as their code: cells as blocks, line numbers left out; other tables as before. */
export function codeTables(converter: NodeHtmlMarkdown): void {
  const table = converter.translators.get("table");
  const cell = converter.translators.get("td");
  // The main set renders a cell only inside a code table (a data table's cells go through the table sets).
  converter.translators.set("table", (ctx) =>
    isCodeTable(ctx.node as unknown as ElementLike) ? { surroundingNewlines: 2 } : configFor(table, ctx),
  );
  converter.translators.set("td,th", (ctx) =>
    isLineNumberCell(ctx.node as unknown as ElementLike) ? { ignore: true } : configFor(cell, ctx),
  );
}

function configFor(
  original: TranslatorConfig | TranslatorConfigFactory,
  ctx: Parameters<TranslatorConfigFactory>[0],
): TranslatorConfig {
  return typeof original === "function" ? original(ctx) : original;
}
