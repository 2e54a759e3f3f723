import { describe, expect, it } from "vitest";
import { resolveLink } from "../src/link-rules.js";
import { loadConverterFactory } from "../src/markdown-converter.js";

const base = new URL("https://example.org/docs/guide/page.html?q=1");

describe("resolveLink", () => {
  it.each([
    ["other.html", "https://example.org/docs/guide/other.html"],
    ["../api/", "https://example.org/docs/api/"],
    ["/root?a=1&b=2", "https://example.org/root?a=1&b=2"],
    ["//cdn.example/lib.js", "https://cdn.example/lib.js"],
    ["?page=2", "https://example.org/docs/guide/page.html?page=2"],
    ["other.html#part", "https://example.org/docs/guide/other.html#part"],
    ["a b.html", "https://example.org/docs/guide/a%20b.html"],
    ["  spaced.html ", "https://example.org/docs/guide/spaced.html"],
    ["http://elsewhere.example/x", "http://elsewhere.example/x"],
    ["mailto:someone@example.org", "mailto:someone@example.org"],
    ["#section", "#section"],
    ["javascript:alert(1)", undefined],
    ["JavaScript:void(0)", undefined],
    [" java\tscript:x()", undefined],
    ["vbscript:msgbox(1)", undefined],
    ["VBScript:x", undefined],
    ["http://[broken", "http://[broken"],
  ])("%s → %s", (href, resolved) => {
    expect(resolveLink(href, base)).toBe(resolved);
  });

  it.each([
    ["relative.html", "relative.html"],
    ["javascript:x()", undefined],
    ["#top", "#top"],
  ])("without a base, %s → %s", (href, resolved) => {
    expect(resolveLink(href, undefined)).toBe(resolved);
  });
});

const converter = (await loadConverterFactory())(base);

describe("links with no text", () => {
  it.each([
    [
      "GitHub's octicon anchor",
      '<h2><a class="anchor" href="#install"><svg><path d="M0"/></svg></a>Install</h2>',
      "## Install",
    ],
    ["Docusaurus's zero-width hash-link", '<h3>Use<a class="hash-link" href="#use">&#8203;</a></h3>', "### Use"],
    ["an empty link in a table cell", '<table><tr><th>Name<a href="#n"> </a></th></tr></table>', "| Name |\n| ---- |"],
    [
      "a link around an image is kept",
      '<p><a href="/home"><img src="/logo.png" alt=""></a></p>',
      "[![](https://example.org/logo.png)](https://example.org/home)",
    ],
    ["a link with text is kept", '<p>See <a href="#x">x</a>.</p>', "See [x](#x)."],
    [
      "Sphinx's permalink mark",
      '<h2>Install<a class="headerlink" href="#install" title="Permalink to this heading">¶</a></h2>',
      "## Install",
    ],
    ["a hash after a heading", '<h3>Config <a href="#config">#</a></h3>', "### Config"],
    ["a link emoji", '<h3>Config <a href="#config">🔗</a></h3>', "### Config"],
    ["a section sign", '<h3>Scope<a href=" #scope">§</a></h3>', "### Scope"],
    ["a mark linking to another page is kept", '<p><a href="/rules">§</a> 4</p>', "[§](https://example.org/rules) 4"],
    ["a footnote number is kept", '<p>Claim<a href="#fn1">1</a></p>', "Claim[1](#fn1)"],
  ])("%s", (_why, html, markdown) => {
    expect(converter.translate(html)).toBe(markdown);
  });
});

describe("link URLs", () => {
  it.each([
    [
      "underscores and asterisks stay as written",
      '<p><a href="/user_profiles?page_size=10&amp;q=a*b">users</a></p>',
      "[users](https://example.org/user_profiles?page_size=10&q=a*b)",
    ],
    [
      "parentheses are still encoded, so they cannot end the link",
      '<p><a href="https://en.wikipedia.org/wiki/Python_(programming_language)">Python</a></p>',
      "[Python](https://en.wikipedia.org/wiki/Python_%28programming_language%29)",
    ],
    ["a URL already holding %5F keeps it", '<p><a href="/a%5Fb_c">x</a></p>', "[x](https://example.org/a%5Fb_c)"],
    [
      "a link whose text is its URL",
      '<p><a href="https://example.org/snake_case">https://example.org/snake_case</a></p>',
      "<https://example.org/snake_case>",
    ],
    ["with a title", '<p><a href="/a_b" title="see a_b">x</a></p>', '[x](https://example.org/a_b "see a_b")'],
    [
      "in a table cell",
      '<table><tr><th>k</th></tr><tr><td><a href="/a_b">x</a></td></tr></table>',
      "| k                            |\n| ---------------------------- |\n| [x](https://example.org/a_b) |",
    ],
  ])("%s", (_why, html, markdown) => {
    expect(converter.translate(html)).toBe(markdown);
  });
});

describe("images", () => {
  it.each([
    [
      "a javascript: data-src does not hide src",
      '<img alt="a" data-src="javascript:alert(1)" src="/good.png">',
      "![a](https://example.org/good.png)",
    ],
    [
      "a javascript: srcset candidate does not hide a safe one",
      '<img alt="b" srcset="javascript:x 2x, /ok.png 1x">',
      "![b](https://example.org/ok.png)",
    ],
    ["a vbscript: src is not shown", '<p>x<img alt="c" src="vbscript:msgbox(1)"></p>', "x"],
    ["a file: src is not shown", '<p>x<img alt="d" src="file:///etc/passwd"></p>', "x"],
  ])("%s", (_why, html, markdown) => {
    expect(converter.translate(html)).toBe(markdown);
  });
});
