import { describe, expect, it } from "vitest";
import { bestCandidate, type ImageElement, imageSource } from "../src/lazy-image.js";

/** An element with these attributes (and, for a <picture>, these children). */
function element(tagName: string, attributes: Record<string, string>, childNodes: ImageElement[] = []): ImageElement {
  const node: ImageElement = { tagName, getAttribute: (name) => attributes[name], childNodes };
  for (const child of childNodes) child.parentNode = node;
  return node;
}

const img = (attributes: Record<string, string>) => element("IMG", attributes);
const picture = (sources: Record<string, string>[], attributes: Record<string, string> = {}) =>
  element("PICTURE", {}, [...sources.map((source) => element("SOURCE", source)), img(attributes)]).childNodes?.[
    sources.length
  ] as ImageElement;
const GIF = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";

describe("imageSource", () => {
  it.each<[string, ImageElement, string | undefined]>([
    ["src", img({ src: "/a.png" }), "/a.png"],
    ["data-src over a placeholder src", img({ src: GIF, "data-src": "/real.jpg" }), "/real.jpg"],
    ["data-src over a placeholder file", img({ src: "/blank.gif", "data-src": "/real.jpg" }), "/real.jpg"],
    ["data-lazy-src", img({ "data-lazy-src": "/l.jpg" }), "/l.jpg"],
    ["data-original", img({ "data-original": "/o.jpg" }), "/o.jpg"],
    ["src over its own srcset", img({ src: "/s.jpg", srcset: "/s-2x.jpg 2x" }), "/s.jpg"],
    ["srcset without src", img({ srcset: "/b-1x.jpg 1x, /b-2x.jpg 2x" }), "/b-2x.jpg"],
    ["srcset over a data: src", img({ src: GIF, srcset: "/c.jpg 300w" }), "/c.jpg"],
    ["data-srcset", img({ src: GIF, "data-srcset": "/d-300.jpg 300w, /d-900.jpg 900w" }), "/d-900.jpg"],
    [
      "data-srcset over a placeholder file",
      img({ src: "/blur.jpg", "data-srcset": "/d-1x.jpg 1x, /d-2x.jpg 2x" }),
      "/d-2x.jpg",
    ],
    [
      "data-lazy-srcset over a placeholder file",
      img({ src: "/blank.gif", "data-lazy-srcset": "/e.jpg 600w" }),
      "/e.jpg",
    ],
    ["data-src over data-srcset", img({ "data-src": "/f.jpg", "data-srcset": "/f-2x.jpg 2x" }), "/f.jpg"],
    ["a <picture>'s source", picture([{ srcset: "/p.webp", type: "image/webp" }]), "/p.webp"],
    [
      "a <picture>'s source of a type Claude takes, over an AVIF one",
      picture([
        { srcset: "/p.avif", type: "image/avif" },
        { srcset: "/p.jpg 1x, /p@2x.jpg 2x", type: "image/jpeg" },
      ]),
      "/p@2x.jpg",
    ],
    [
      "a <picture>'s only source, of a type Claude does not take",
      picture([{ srcset: "/p.avif", type: "image/avif" }]),
      "/p.avif",
    ],
    ["a <picture>'s img src over its sources", picture([{ srcset: "/p.webp" }], { src: "/p.jpg" }), "/p.jpg"],
    ["a <picture> with a lazy source", picture([{ "data-srcset": "/lazy.webp 1x" }]), "/lazy.webp"],
    // Only http(s) counts: a script or placeholder URL picked first hid the page's good one.
    ["src under a javascript: data-src", img({ "data-src": "javascript:alert(1)", src: "/good.png" }), "/good.png"],
    ["srcset under a vbscript: data-src", img({ "data-src": "VBScript:x", srcset: "/w.png 100w" }), "/w.png"],
    ["src under a file: data-src", img({ "data-lazy-src": "file:///etc/passwd", src: "/g.png" }), "/g.png"],
    ["a split javascript: src", img({ src: " java\tscript:x", srcset: "/t.png 1x" }), "/t.png"],
    ["the safe srcset candidate", img({ srcset: "javascript:x 2x, /ok.png 1x" }), "/ok.png"],
    ["src under an unsafe-only data-srcset", img({ "data-srcset": "data:x 2x", src: "/s.png" }), "/s.png"],
    [
      "a <picture>'s safe source",
      picture([
        { srcset: "javascript:x", type: "image/webp" },
        { srcset: "/p.jpg", type: "image/jpeg" },
      ]),
      "/p.jpg",
    ],
    ["only unsafe URLs", img({ "data-src": "javascript:x", src: "vbscript:y", srcset: "data:z 2x" }), undefined],
    ["nothing but a placeholder", img({ src: GIF }), undefined],
    ["nothing at all", img({}), undefined],
    [
      "sources outside a <picture>",
      element("DIV", {}, [element("SOURCE", { srcset: "/x.jpg" }), img({})]).childNodes?.[1] as ImageElement,
      undefined,
    ],
  ])("%s", (_case, node, expected) => {
    expect(imageSource(node)).toBe(expected);
  });

  it.each<[string, URL, string | undefined]>([
    ["an http base", new URL("https://example.org/a/"), "/r.png"],
    // Relative to a javascript: <base href> a URL is no http(s) one, whatever it reads like.
    ["a javascript: base", new URL("javascript:x"), undefined],
  ])("resolves relative URLs against %s", (_case, base, expected) => {
    expect(imageSource(img({ src: "/r.png" }), base)).toBe(expected);
  });
});

describe("bestCandidate", () => {
  it.each<[string, string | undefined]>([
    ["/a.jpg", "/a.jpg"],
    ["/a.jpg 1x, /a-2x.jpg 2x, /a-1.5x.jpg 1.5x", "/a-2x.jpg"],
    ["/a-2x.jpg 2x, /a.jpg", "/a-2x.jpg"],
    ["/s.jpg 480w,/m.jpg 800w,  /l.jpg 1200w", "/l.jpg"],
    // Cloudinary-style URLs hold commas: only one after whitespace, or ending the URL, splits candidates.
    [
      "https://cdn.example/w_300,h_200/x.jpg 300w, https://cdn.example/w_900,h_600/x.jpg 900w",
      "https://cdn.example/w_900,h_600/x.jpg",
    ],
    ["/a.jpg, /b.jpg 2x", "/b.jpg"],
    // As the standard parses it, a comma inside a run of non-space is part of the URL.
    ["/a.jpg,/b.jpg 2x", "/a.jpg,/b.jpg"],
    [`${GIF} 1x, /real.jpg 1x`, "/real.jpg"],
    ["javascript:x 2x, /ok.png 1x", "/ok.png"],
    ["/ok.png 100w, vbscript:x 900w, data:image/png,x 800w", "/ok.png"],
    ["https://a.example/1.png 1x, file:///etc/passwd 2x", "https://a.example/1.png"],
    ["JAVASCRIPT:x 1x", undefined],
    ["/bad.jpg 10q", undefined],
    ["", undefined],
    [" , ", undefined],
  ])("%j → %s", (srcset, expected) => {
    expect(bestCandidate(srcset)).toBe(expected);
  });
});
