import { NodeHtmlMarkdown } from "node-html-markdown";
import { describe, expect, it } from "vitest";
import { dropUnendedTag, htmlToText, nestingDepth, splitHtml, stripNoise } from "../src/html-text.js";
import { createBodyRenderer } from "../src/render.js";

describe("stripNoise", () => {
  it.each([
    ["a<script>x()</script>b", "ab"],
    ["a<SCRIPT type='module'>x</script >b", "ab"],
    ["a<style>p{}</style>b<!-- note -->c", "abc"],
    ["<head><title>t</title></head>body", "body"],
    ["a<svg><path d='M0'/></svg>b", "ab"],
    ['<p>a <svg class="icon"/> b</p><p>kept</p><svg><path/></svg>c', "<p>a  b</p><p>kept</p>c"],
    [
      '<p>a <svg aria-hidden="true" /> b</p><p>kept</p><svg aria-hidden="true"><path/></svg>c',
      "<p>a  b</p><p>kept</p>c",
    ],
    ["keep <scripty>this</scripty>", "keep <scripty>this</scripty>"],
    ["before<script>never closed", "before"],
    ["before<!-- never closed", "before"],
    ["<script>".repeat(50_000), ""],
    ["\n<!DOCTYPE html><p>x</p>", "\n<p>x</p>"],
    ['<?xml version="1.0" encoding="UTF-8"?>\n<html><p>x</p>', "\n<html><p>x</p>"],
    ["a<?php echo 1 ?>b<?unclosed", "ab"],
    ['a<div style="display:none">b</div>c', "ac"],
    ["a<div hidden>b<div>nested</div>still</div>c", "ac"],
    ['a<span aria-hidden="true">¶</span>b', "ab"],
    ["<ul><li hidden>x<li>y</ul>", "<ul><li>y</ul>"],
    [
      '<a href="/x">link<span class="sr-only"> (opens in new tab)</span></a>',
      '<a href="/x">link<span class="sr-only"> (opens in new tab)</span></a>',
    ],
    ["<div hidden=until-found>found</div>", "<div hidden=until-found>found</div>"],
    ['<div title="x>y" hidden>a</div>b', "b"],
    ["<div hidden>unclosed swallows the rest", ""],
    ["<div hidden>".repeat(50_000), ""],
    ["<li hidden>x".repeat(20_000), ""],
    // A `<` in a quoted value (an SVG data URI, a popover's HTML) is the value's, not an element's start.
    [
      "<p>a <img src=\"data:image/svg+xml;utf8,<svg xmlns='x'/>\"> b</p><p>kept</p><svg></svg>c",
      "<p>a <img src=\"data:image/svg+xml;utf8,<svg xmlns='x'/>\"> b</p><p>kept</p>c",
    ],
    ["<a title='<script>' href=x>y</a><p>kept</p><script>z</script>", "<a title='<script>' href=x>y</a><p>kept</p>"],
    ['<div hidden title="<p>">gone</div>shown', "shown"],
    ["<a href=/x?q='a <b>c</b>d", "<a href=/x?q='a <b>c</b>d"],
    ['<p>a</p><img alt="<b" src="x', "<p>a</p>"],
    ['<img alt="<b" src="'.repeat(30_000), ""],
  ])("%#", (html, text) => {
    expect(stripNoise(html)).toBe(text);
  });
});

describe("htmlToText", () => {
  it.each([
    ["<h1>Hi &amp; bye</h1><p>a<br>b</p>", "Hi & bye\n\na\nb"],
    ["<ul><li>one</li><li>two &#x1F600;</li></ul>", "* one\n* two 😀"],
    ["<table><tr><td>a</td><td>b</td></tr></table>", "a b"],
    ["x &bogus; y", "x &bogus; y"],
    ["<".repeat(10_000), "<".repeat(10_000)],
  ])("%#", (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe("dropUnendedTag", () => {
  it.each([
    ['<p>one</p><div class="a', "<p>one</p>"],
    ["<p>one</p></di", "<p>one</p>"],
    ['<p>hi</p><a href="x', "<p>hi</p>"],
    ["<p>a</p><a <a <a ", "<p>a</p>"],
    ["<p>one</p><!-- open", "<p>one</p>"],
    ["<p>one</p>", "<p>one</p>"],
    ["<p>1 < 2 and 3 <4</p> x < y", "<p>1 < 2 and 3 <4</p> x < y"],
    ["a </ b", "a </ b"],
    ["no tags at all", "no tags at all"],
  ])("%j → %j", (html, kept) => {
    expect(dropUnendedTag(html)).toBe(kept);
  });
});

describe("splitHtml", () => {
  it("cuts only after blocks that close outside lists and tables", () => {
    const list = `<ul>${"<li><p>item</p></li>".repeat(50)}</ul>`;
    const html = `<p>${"a".repeat(100)}</p>${list}<p>end</p>`;
    const pieces = splitHtml(html, 50);
    expect(pieces.join("")).toBe(html);
    expect(pieces).toContain(list);
    for (const piece of pieces) expect(piece.startsWith("<li")).toBe(false);
  });

  it("keeps a document without safe cuts whole", () => {
    const table = `<table>${"<tr><td>x</td></tr>".repeat(100)}</table>`;
    expect(splitHtml(table.slice(0, -8), 10)).toEqual([table.slice(0, -8)]);
  });
});

describe("nestingDepth", () => {
  it.each([
    ["<div><div><span>x</span></div></div>", 3],
    ["<p>a<p>b<p>c<br><img src=x>", 1],
    ["<ul><li>a<li>b<li>c</ul>", 2],
    ["<a>1<a>2<a>3", 1],
    // Misnested inline tags leave an element open each time in the converter's parser.
    ["<b><i>x</b></i>".repeat(50), 51],
    ["<div/><div></div>", 1],
    ["</div></div><div>", 1],
  ])("%s → %d", (html, depth) => {
    expect(nestingDepth(html)).toBe(depth);
  });
});

describe("large and hostile HTML through the renderer", () => {
  const renderer = createBodyRenderer();
  const render = async (html: string) =>
    (await renderer.render(Buffer.from(html), "text/html", { raw: false, cut: false })).text;

  it("converts a page in pieces to the same markdown as converting it whole", async () => {
    const html = `<div>${"<h2>Part</h2><p>Some <a href='/x'>link</a> and <b>bold</b>.</p><ul><li>a</li><li>b</li></ul>".repeat(400)}</div>`;
    expect(await render(html)).toBe(new NodeHtmlMarkdown({ maxConsecutiveNewlines: 2 }).translate(html).trim());
  });

  it("shows very deep nesting as plain text instead of recursing", async () => {
    expect(await render(`${"<div>".repeat(20_000)}deep${"</div>".repeat(20_000)}`)).toBe("deep");
  });
});
