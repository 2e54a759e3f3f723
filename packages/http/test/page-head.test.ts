import { describe, expect, it } from "vitest";
import { pageHead, refreshTarget } from "../src/page-head.js";

const page = "https://example.org/docs/guide/page.html";

describe("pageHead", () => {
  it.each([
    ["<head><title>Tom &amp; Jerry</title></head>", page, "Tom & Jerry", page],
    ["<title>a &#xD800; b</title>", page, "a \uFFFD b", page],
    ["<title>\n  Spaced\n  out </title>", page, "Spaced out", page],
    ["<title>a < b</title>", page, "a < b", page],
    ["<title></title>", page, undefined, page],
    ["<head><base href='/v2/'></head>", page, undefined, "https://example.org/v2/"],
    ['<base target="_blank"><base href="../api/">', page, undefined, "https://example.org/docs/api/"],
    ['<base href="https://other.example/x/?a=1&amp;b=2">', page, undefined, "https://other.example/x/?a=1&b=2"],
    ['<base href="http://[bad">', page, undefined, page],
    ["<body><svg><title>Icon</title></svg></body>", page, undefined, page],
    ["<title>No URL</title>", undefined, "No URL", undefined],
    ['<base href="https://e.example/">', undefined, undefined, "https://e.example/"],
  ])("%s", (html, url, title, base) => {
    const head = pageHead(html, url);
    expect(head.title).toBe(title);
    expect(head.base?.href).toBe(base);
  });
});

describe("refreshTarget", () => {
  it.each([
    ["0; url=/next", "/next"],
    ["0;URL='/next page'", "/next page"],
    ['5 ; Url = "https://e.example/x" ', "https://e.example/x"],
    ["0, /next", "/next"],
    ["0 /next", "/next"],
    ["1.5; url=next", "next"],
    ["0; url='unclosed", "unclosed"],
    ["30", undefined],
    ["0; url=", undefined],
    ["url=/next", undefined],
    ["", undefined],
  ])("%j → %j", (content, url) => {
    expect(refreshTarget(content)).toBe(url);
  });

  it.each([
    ['<meta http-equiv="refresh" content="0; url=../next.html">', "https://example.org/docs/next.html"],
    ['<base href="/v2/"><META HTTP-EQUIV=REFRESH CONTENT="0;URL=a?x=1&amp;y=2">', "https://example.org/v2/a?x=1&y=2"],
    ['<meta http-equiv="refresh" content="0; url=javascript:alert(1)">', undefined],
    ['<meta http-equiv="refresh" content="60">', undefined],
    ['<meta name="refresh" content="0; url=/x">', undefined],
    ['<body><meta http-equiv="refresh" content="0; url=/x">', undefined],
  ])("pageHead of %s redirects to %s", (html, url) => {
    expect(pageHead(html, page).refresh).toBe(url);
  });
});
