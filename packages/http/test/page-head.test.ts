import { describe, expect, it } from "vitest";
import { pageHead } from "../src/page-head.js";

const page = "https://example.org/docs/guide/page.html";

describe("pageHead", () => {
  it.each([
    ["<head><title>Tom &amp; Jerry</title></head>", page, "Tom & Jerry", page],
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
