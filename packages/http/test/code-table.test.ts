import { describe, expect, it } from "vitest";
import { createBodyRenderer } from "../src/render.js";

const renderer = createBodyRenderer();
const markdown = async (html: string) =>
  (await renderer.render(Buffer.from(html), "text/html", { raw: false, cut: false })).text;

const CODE = "```\ndef f():\n    return 1\n```";

describe("code tables", () => {
  it.each([
    [
      "Pygments / Sphinx highlighttable",
      `<div class="highlight-python"><table class="highlighttable"><tr><td class="linenos"><div class="linenodiv"><pre>1
2</pre></div></td><td class="code"><div class="highlight"><pre><span class="k">def</span> f():
    <span class="k">return</span> 1</pre></div></td></tr></table></div>`,
      CODE,
    ],
    [
      "Rouge (Jekyll)",
      `<div class="language-python highlighter-rouge"><table class="rouge-table"><tbody><tr><td class="rouge-gutter gl"><pre class="lineno">1
2
</pre></td><td class="rouge-code"><pre>def f():
    return 1
</pre></td></tr></tbody></table></div>`,
      CODE,
    ],
    [
      "MkDocs Material linenums",
      `<div class="language-python highlight"><table class="highlighttable"><tr><td class="linenos"><div class="linenodiv"><pre><span></span><span class="normal">1</span>
<span class="normal">2</span></pre></div></td><td class="code"><div><pre><span></span><code>def f():
    return 1
</code></pre></div></td></tr></table></div>`,
      CODE,
    ],
  ])("shows %s as its code, without the line numbers", async (_name, html, code) => {
    expect(await markdown(`<p>Before</p>${html}<p>After</p>`)).toBe(`Before\n\n${code}\n\nAfter`);
  });

  it.each([
    [
      "a data table",
      "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>",
      "| a | b |\n| - | - |\n| 1 | 2 |",
    ],
    ["a one-row table with no code", "<table><tr><td>5</td><td>x</td></tr></table>", "| 5 | x |\n| - | - |"],
    [
      "a data table with code in a cell",
      "<table><tr><th>call</th></tr><tr><td><pre>f()</pre></td></tr></table>",
      "| call |\n| ---- |\n| f()  |",
    ],
  ])("keeps %s a table", async (_name, html, table) => {
    expect(await markdown(html)).toBe(table);
  });
});
