import { describe, expect, it } from "vitest";
import { mainContent } from "../src/main-content.js";

const CHROME = '<header><a href="/">Logo</a><nav><a href="/news">News</a></nav></header>';
const FOOTER = "<footer><p>© Site</p></footer>";

describe("mainContent", () => {
  it.each<[string, string, { html: string; marker: string } | undefined]>([
    [
      "the page's <main>, without the header and footer around it",
      `${CHROME}<main><p>Story</p></main>${FOOTER}`,
      { html: "<main><p>Story</p></main>", marker: "<main>" },
    ],
    [
      "a <main>'s breadcrumbs and sidebars left out, its article's own header, aside and footer kept",
      `${CHROME}<main><nav>Home › News</nav><article><header><h1>T</h1></header><p>Story</p><aside>Quote</aside><footer>Tags</footer></article><aside>Related: <a href="/r">Other story</a></aside></main>`,
      {
        html: "<main><article><header><h1>T</h1></header><p>Story</p><aside>Quote</aside><footer>Tags</footer></article></main>",
        marker: "<main>",
      },
    ],
    [
      "a <main>'s note or warning in an <aside> of prose kept, its table of contents (an <aside> of links) left out",
      `${CHROME}<main><h1>Install</h1><aside class="note"><b>Warning:</b> this deletes your data (<a href="/b">backups</a>).</aside><p>Run it.</p><aside><h2>On this page</h2><a href="#a">Install the package</a><a href="#b">Configure it</a></aside></main>`,
      {
        html: '<main><h1>Install</h1><aside class="note"><b>Warning:</b> this deletes your data (<a href="/b">backups</a>).</aside><p>Run it.</p></main>',
        marker: "<main>",
      },
    ],
    [
      "a <main>'s own header kept",
      `${CHROME}<main><header><h1>Docs</h1></header><p>Text</p></main>`,
      { html: "<main><header><h1>Docs</h1></header><p>Text</p></main>", marker: "<main>" },
    ],
    [
      "an element with role=main, nested divs and all",
      `${CHROME}<div ROLE="Main" id="c"><div><p>Story</p></div></div><div>After</div>`,
      { html: '<div ROLE="Main" id="c"><div><p>Story</p></div></div>', marker: 'role="main"' },
    ],
    [
      "the one <article>, with its nav (a table of contents) kept; teasers in the sidebar are not articles of the page",
      `${CHROME}<article><nav>Contents</nav><p>Story</p></article><aside><article>Teaser</article></aside>${FOOTER}`,
      { html: "<article><nav>Contents</nav><p>Story</p></article>", marker: "<article>" },
    ],
    [
      "one <article> that is a card in a sidebar of <div>s, beside more text of the page's own: the whole page",
      `${CHROME}<div id="content"><h1>Release notes</h1><p>Version 2 drops Node 18 and renames the config file.</p></div><div class="widgets"><article class="card"><a href="/v1">Version 1</a></article></div>${FOOTER}`,
      undefined,
    ],
    ["no marked content: the whole page", `${CHROME}<div class="content"><p>Story</p></div>${FOOTER}`, undefined],
    ["two <main>: no clear one", "<main><p>A</p></main><main><p>B</p></main><p>x</p>", undefined],
    ["several <article> and no <main> (a listing)", `${CHROME}<article>A</article><article>B</article>`, undefined],
    ["a <main> never closed", `${CHROME}<main><p>Story`, undefined],
    ["an empty <main> (a page built by script)", `${CHROME}<main id="app"></main>${FOOTER}`, undefined],
    ["a <main> that is the whole page: nothing to leave out", "<main><p>Story</p></main>\n", undefined],
    ["a role of another kind", `${CHROME}<div role="navigation">Menu</div><p>Story</p>`, undefined],
  ])("%s", (_, html, expected) => {
    expect(mainContent(html)).toEqual(expected);
  });

  it("reads tens of thousands of unclosed, nested or sibling marks in one pass each", () => {
    expect(mainContent("<main>".repeat(50_000))).toBeUndefined();
    expect(mainContent("<article>".repeat(50_000))).toBeUndefined();
    expect(mainContent("<article>a</article>".repeat(50_000))).toBeUndefined();
    const manyLinks = `<main><p>Story</p><aside>${'<a href="#">x</a> '.repeat(50_000)}</aside></main>`;
    expect(mainContent(`${manyLinks}<p>x</p>`)).toEqual({ html: "<main><p>Story</p></main>", marker: "<main>" });
    const unclosedLinks = `<main><p>Story</p><aside>${"<a><h2>x".repeat(50_000)}</aside></main>`;
    expect(mainContent(`${unclosedLinks}<p>x</p>`)?.marker).toBe("<main>");
    const unclosedNavs = `<main>${"<nav>".repeat(50_000)}Story</main>`;
    expect(mainContent(`${unclosedNavs}<p>x</p>`)).toEqual({ html: unclosedNavs, marker: "<main>" });
  });
});
