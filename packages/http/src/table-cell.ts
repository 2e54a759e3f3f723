import type { TranslatorConfig, TranslatorConfigFactory } from "node-html-markdown";

/**
 * node-html-markdown's table cell, escaping every `|` in it: its own `.replace('|', '\\|')` escapes only the first,
 * so a cell holding `1|2|3` split into columns and broke the table. A pipe already escaped stays as it is.
 */
export const tableCell: TranslatorConfigFactory = ({ visitor }) => ({
  surroundingNewlines: false,
  childTranslators: visitor.instance.tableCellTranslators,
  prefix: " ",
  postfix: " |",
  postprocess: ({ content }) =>
    content
      .replace(/^(?:\r?\n)+|(?:\r?\n)+$/g, "")
      .replace(/(?<!\\)\|/g, "\\|")
      .replace(/(?:\r?\n)+/g, " ")
      .trim(),
});

/**
 * A paragraph or block inside a table cell: the library has no rule for them there, so `<td><p>a</p><p>b</p></td>`
 * read "ab". A cell is one line, so each block is set apart by a space.
 */
export const cellBlock: TranslatorConfig = { postfix: " " };
