import { NodeHtmlMarkdown } from "node-html-markdown";
import { describe, expect, it } from "vitest";
import { loadConverterFactory } from "../src/markdown-converter.js";

const ours = (await loadConverterFactory())(undefined);
const stock = new NodeHtmlMarkdown();
const table = (cells: string) => `<table><tr><th>h1</th><th>h2</th></tr><tr>${cells}</tr></table>`;

describe("table cells", () => {
  it.each([
    ["every pipe escaped", "<td>1|2|3</td><td>x</td>", "| 1\\|2\\|3 | x  |"],
    ["a pipe in inline markup", "<td><b>a|b</b>|c</td><td>x</td>", "| **a\\|b**\\|c | x  |"],
    ["paragraphs set apart", "<td><p>first</p><p>second</p></td><td>x</td>", "| first second | x  |"],
    [
      "divs and list items set apart",
      "<td><div>a</div><div>b</div></td><td><ul><li>c</li><li>d</li></ul></td>",
      "| a b  | c d  |",
    ],
    ["a line break kept as <br>", "<td>multi<br>line</td><td>x</td>", "| multi<br>line | x  |"],
    [
      "inline code kept as code",
      "<td><code>strict</code></td><td><code>a|b</code> or <code>`</code></td>",
      "| `strict` | `a\\|b` or `` ` `` |",
    ],
    ["code in a link in a cell", '<td><a href="#p"><code>parse()</code></a></td><td>x</td>', "| [`parse()`](#p) | x |"],
  ])("%s", (_, cells, row) => {
    const markdown = ours.translate(table(cells));
    const lines = markdown.split("\n");
    expect(lines[2]?.replace(/ +\|/g, " |").replace(/\| +/g, "| ")).toBe(
      row.replace(/ +\|/g, " |").replace(/\| +/g, "| "),
    );
    // Each row has as many unescaped separators as the header: the table keeps its two columns.
    const columns = (line: string) => line.replace(/\\\|/g, "").split("|").length;
    for (const line of lines.filter(Boolean)) expect(columns(line)).toBe(columns(lines[0] as string));
  });

  it("is the library's table where no cell holds a pipe or a block", () => {
    const html = table("<td><b>bold</b> and <a href='https://example.com/'>a link</a></td><td>plain</td>");
    expect(ours.translate(html)).toBe(stock.translate(html));
  });
});
