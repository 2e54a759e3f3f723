import { describe, expect, it } from "vitest";
import { collapseBlankLines } from "../src/pre-block.js";
import { createBodyRenderer } from "../src/render.js";

const renderer = createBodyRenderer();
const markdown = async (html: string) =>
  (await renderer.render(Buffer.from(html), "text/html", { raw: false, cut: false })).text;

describe("preBlock through the renderer", () => {
  it.each([
    [
      "a bare <pre> is fenced, its lines not read as markdown",
      "<pre>$ npm i foo\n# comment\n* not a list</pre>",
      "```\n$ npm i foo\n# comment\n* not a list\n```",
    ],
    [
      "<pre><code> keeps its language",
      '<pre><code class="language-js">let a = 1;\n</code></pre>',
      "```js\nlet a = 1;\n```",
    ],
    [
      "indentation is kept, the newline after <pre> is not",
      "<pre>\n  indented\n    more\n</pre>",
      "```\n  indented\n    more\n```",
    ],
    [
      "Sphinx: the language is two levels up, spans are plain text, entities decoded",
      "<div class='highlight-python notranslate'><div class='highlight'><pre><span></span><span class='gp'>&gt;&gt;&gt; </span>x_y = 2 * 3\n</pre></div></div>",
      "```python\n>>> x_y = 2 * 3\n```",
    ],
    [
      "GitHub's highlight-source-x",
      "<div class='highlight highlight-source-shell'><pre>ls -l</pre></div>",
      "```shell\nls -l\n```",
    ],
    ["highlight-default names no language", "<div class='highlight-default'><pre>x</pre></div>", "```\nx\n```"],
    ["a fence longer than the backticks inside", "<pre>a ``` b</pre>", "````\na ``` b\n````"],
    [
      "<br> is a line break; markup inside is not escaped",
      "<pre>line<br>two <b>bold</b> _x_</pre>",
      "```\nline\ntwo bold _x_\n```",
    ],
    [
      "blank lines inside code are kept, those between blocks collapse to one",
      '<div><p>a</p>\n\n\n<div></div>\n\n<pre><code class="language-py">def f():\n    pass\n\n\ndef g():\n\n\n\n    pass</code></pre></div><ul><li>x<pre>1\n\n\n2</pre></li></ul>',
      "a\n\n```py\ndef f():\n    pass\n\n\ndef g():\n\n\n\n    pass\n```\n\n* x\n  ```\n  1\n\n\n  2\n  ```",
    ],
    ["an empty <pre> is dropped", "<pre>   </pre><p>after</p>", "after"],
  ])("%s", async (_why, html, text) => {
    expect(await markdown(html)).toBe(text);
  });
});

describe("collapseBlankLines", () => {
  it.each([
    ["blank lines between paragraphs collapse", "a\n\n\n\nb", "a\n\nb"],
    ["a fence's blank lines are kept", "```\na\n\n\nb\n```\n\n\nc", "```\na\n\n\nb\n```\n\nc"],
    // CommonMark: an info string holds no backtick, so a line starting with inline code of backticks opens no block.
    [
      "a line starting with inline code of backticks opens no block",
      "```` ``` ```` opens one\n\n\n\nb",
      "```` ``` ```` opens one\n\nb",
    ],
  ])("%s", (_why, markdown, collapsed) => {
    expect(collapseBlankLines(markdown)).toBe(collapsed);
  });
});
