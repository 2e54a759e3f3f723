import { describe, expect, it } from "vitest";
import { resolveLink } from "../src/link-rules.js";

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
