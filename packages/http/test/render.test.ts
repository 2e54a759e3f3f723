import { describe, expect, it } from "vitest";
import { createBudgetGate } from "../src/budget-gate.js";
import { createBodyRenderer } from "../src/render.js";
import { GIF, jpeg, png, WEBP } from "./images.js";

const renderer = createBodyRenderer({
  maxBytes: 200,
  setting: "maxImageBytes",
  maxSide: 8000,
  sideSetting: "maxImageSide",
});
const OTHER = "; not shown: only images (PNG, JPEG, GIF or WebP) are returned, as image content]";
const render = (body: string | Buffer, type?: string, opts: { raw?: boolean; cut?: boolean } = {}) =>
  renderer.render(Buffer.isBuffer(body) ? body : Buffer.from(body), type, { raw: false, cut: false, ...opts });

describe("createBodyRenderer", () => {
  it.each([
    ['{"a":[1,2]}', "application/json", "json", '{\n  "a": [\n    1,\n    2\n  ]\n}'],
    ['{"a":1}', "application/problem+json; charset=utf-8", "json", '{\n  "a": 1\n}'],
    ["plain", "text/plain", "text", "plain"],
    ["<a>xml</a>", "application/xml", "text", "<a>xml</a>"],
    ["", "text/plain", "empty", ""],
    ["no type but text", undefined, "text", "no type but text"],
    ['{"from":"s3"}\n', "application/octet-stream", "text", '{"from":"s3"}\n'],
    ["a,b\n1,2\n", "binary/octet-stream", "text", "a,b\n1,2\n"],
    // Types not known as text, whose bytes are text all through.
    ['{"a":1}\n{"a":2}\n', "application/jsonl", "text", '{"a":1}\n{"a":2}\n'],
    ['{"TableNames":["t"]}', "application/x-amz-json-1.0", "text", '{"TableNames":["t"]}'],
    ["#EXTM3U\n#EXT-X-VERSION:3\n", "application/vnd.apple.mpegurl", "text", "#EXTM3U\n#EXT-X-VERSION:3\n"],
  ])("%j as %s → %s", async (body, type, kind, text) => {
    // Re-indented JSON also says how long it was as sent, for the paging note (response-result.ts).
    expect(await render(body, type)).toEqual(
      kind === "json" ? { kind, text, asSentChars: body.length } : { kind, text },
    );
  });

  it("shows HTML unconverted, and says so, when the deadline has passed; fails when the call was cancelled", async () => {
    const html = Buffer.from("<h2>Late</h2><p>caf\u00e9</p>");
    const passed = AbortSignal.abort(new DOMException("time limit", "TimeoutError"));
    expect(await renderer.render(html, "text/html", { raw: false, cut: true, deadline: passed })).toEqual({
      kind: "text",
      text: "<h2>Late</h2><p>caf\u00e9</p>",
      unconverted: true,
    });
    const cancelled = AbortSignal.abort();
    await expect(
      renderer.render(html, "text/html", { raw: false, cut: false, signal: cancelled, deadline: passed }),
    ).rejects.toThrow();
    await expect(renderer.render(html, "text/html", { raw: false, cut: false, signal: cancelled })).rejects.toThrow();
    // A deadline still ahead changes nothing; nor does a passed one for a body that needs no conversion.
    expect(
      await renderer.render(html, "text/html", { raw: false, cut: false, deadline: new AbortController().signal }),
    ).toMatchObject({ kind: "html", text: "## Late\n\ncafé" });
    expect(await renderer.render(Buffer.from("x"), "text/plain", { raw: false, cut: false, deadline: passed })).toEqual(
      { kind: "text", text: "x" },
    );
  });

  it("converts only as many pages at once as its budget allows; a page whose time limit passes in line is shown unconverted, saying why", async () => {
    const turns = createBudgetGate(1);
    const busy = createBodyRenderer(undefined, turns);
    const html = Buffer.from("<h2>Queued</h2>");
    const other = turns.hold();
    await other.resize(1); // another call's page is being converted
    const deadline = new AbortController();
    const late = busy.render(html, "text/html", { raw: false, cut: false, deadline: deadline.signal });
    const next = busy.render(html, "text/html", { raw: false, cut: false });
    // Neither started: both wait in line, the first until its time limit passes.
    expect(turns.state()).toEqual({ held: 1, waiting: 2 });
    deadline.abort(new DOMException("time limit", "TimeoutError"));
    expect(await late).toEqual({ kind: "text", text: "<h2>Queued</h2>", unconverted: true, conversionsAtOnce: 1 });
    // Bodies that need no conversion never wait.
    expect(await busy.render(Buffer.from("x"), "text/plain", { raw: false, cut: false })).toEqual({
      kind: "text",
      text: "x",
    });
    expect(await busy.render(html, "text/html", { raw: true, cut: false })).toEqual({
      kind: "text",
      text: "<h2>Queued</h2>",
    });
    other.release();
    expect(await next).toMatchObject({ kind: "html", text: "## Queued" });
    expect(turns.state()).toEqual({ held: 0, waiting: 0 });
  });

  it.each([
    ["{not json", "application/json"],
    ['{"a":1,}', "application/vnd.api+json"],
    ["<html><body>502 Bad Gateway</body></html>", "application/json; charset=utf-8"],
  ])("shows %j typed %s as sent, noting it is not valid JSON", async (body, type) => {
    expect(await render(body, type)).toEqual({
      kind: "text",
      text: body,
      note: `[not valid JSON, though typed ${type.split(";")[0]}: shown as sent]`,
    });
  });

  it("shows JSON nested too deep to indent as sent, with no note", async () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    expect(await render(deep, "application/json")).toEqual({ kind: "text", text: deep });
  });

  it("leaves a cut JSON body as text rather than failing to parse it", async () => {
    expect(await render('{"a":[1,2', "application/json", { cut: true })).toEqual({ kind: "text", text: '{"a":[1,2' });
  });

  it("converts HTML to markdown, dropping scripts, styles and head but for its title", async () => {
    const html =
      "<!doctype html><html><head><title>x</title><script>evil()</script></head><body>" +
      "<style>.a{}</style><h2>Hello</h2><ul><li>one</li><li>two</li></ul><script>more()</script></body></html>";
    const result = await render(html, "text/html; charset=utf-8");
    expect(result.kind).toBe("html");
    expect(result.text).toBe("# x\n\n## Hello\n\n* one\n* two");
  });

  it("drops a tag the read limit cut in two, as browsers drop a tag the page ends in", async () => {
    const cut = await render('<h2>Docs</h2><p>one</p><div class="ne', "text/html", { cut: true });
    expect(cut).toEqual({ kind: "html", text: "## Docs\n\none" });
    // Past the 100,000 characters the converter takes at once, as plain text too.
    const long = await render(`<p>${"word ".repeat(30_000)}</p></di`, "text/html", { cut: true });
    expect(long.text.endsWith("word")).toBe(true);
  });

  it("returns HTML raw on request", async () => {
    expect(await render("<b>x</b>", "text/html", { raw: true })).toEqual({ kind: "text", text: "<b>x</b>" });
  });

  it.each([
    [Buffer.from([0, 1, 2, 3]), "application/octet-stream", `[binary body: application/octet-stream, 4 bytes${OTHER}`],
    [Buffer.from([0, 1, 2, 3]), undefined, `[binary body: unknown type, 4 bytes${OTHER}`],
    [
      Buffer.from("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n", "latin1"),
      "binary/octet-stream",
      `[binary body: binary/octet-stream, 15 bytes${OTHER}`,
    ],
    [
      Buffer.from("GIF89a"),
      "image/gif",
      "[binary body: image/gif, 6 bytes; not shown: typed image/gif, but its bytes are not a PNG, JPEG, GIF or WebP image]",
    ],
    [
      Buffer.from("%PDF-1.4\n1 0 obj\x00\x01\x02", "latin1"),
      "text/html; charset=utf-8",
      "[binary body: text/html, 19 bytes; not shown: typed text/html, but its bytes are binary, not text (NUL or other control bytes near its start); http_request with raw: true shows it as text]",
    ],
  ])("summarises binary %#", async (body, type, text) => {
    expect(await render(body, type)).toEqual({ kind: "binary", text });
  });

  it("summarises random bytes typed as text, unless asked for raw", async () => {
    // Bytes no charset makes text of: every byte value, in a scrambled order (a stand-in for a PDF or a ZIP).
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 167 + 13) % 256));
    const plain = await render(bytes, "text/plain");
    expect(plain).toEqual({
      kind: "binary",
      text: "[binary body: text/plain, 4096 bytes; not shown: typed text/plain, but its bytes are binary, not text (NUL or other control bytes near its start); http_request with raw: true shows it as text]",
    });
    expect((await render(bytes, "text/plain", { raw: true })).kind).toBe("text");
  });

  it.each([
    [
      "UTF-16 declared, no BOM",
      Buffer.from("<p>h\u00e9llo</p>", "utf16le"),
      "text/html; charset=utf-16le",
      "h\u00e9llo",
    ],
    ["UTF-16 by its BOM", Buffer.from("\ufeffplain", "utf16le"), "text/plain", "plain"],
    ["one stray control byte", Buffer.from(`<p>a\x01${"b".repeat(200)}</p>`), "text/html", `a\x01${"b".repeat(200)}`],
  ])("keeps text with NULs or a stray control byte as text: %s", async (_, body, type, text) => {
    expect((await render(body, type)).text).toBe(text);
  });

  it("summarises an image over the image limit as a size refusal", async () => {
    expect(await render(png(10, 10), "image/png")).toEqual({
      kind: "binary",
      text: "[binary body: image/png, 285 bytes; not shown: an image/png over the 200-byte image limit, set by maxImageBytes]",
      refusal: "size",
    });
  });

  it.each([
    [jpeg(), "image/jpeg", "image/jpeg", ""],
    [GIF, "application/octet-stream", "image/gif", " (typed application/octet-stream)"],
    [WEBP, undefined, "image/webp", ""],
    [WEBP, "image/png", "image/webp", " (typed image/png)"],
    [png(), "text/plain", "image/png", " (typed text/plain)"],
    [jpeg(), "text/html", "image/jpeg", " (typed text/html)"],
  ])("returns an image's bytes as one, its type sniffed %#", async (body, type, mimeType, typed) => {
    expect(await renderer.render(body, type, { raw: false, cut: false, url: "http://127.0.0.1:1/i" })).toEqual({
      kind: "image",
      text: `[image: ${mimeType}${typed}, ${body.length} bytes, from http://127.0.0.1:1/i; sent as image content]`,
      image: { mimeType, data: body.toString("base64") },
    });
  });

  it("shows an SVG as the XML text it is", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>';
    expect(await render(svg, "image/svg+xml")).toEqual({ kind: "text", text: svg });
  });

  it("says 'at least' for a binary body cut at the cap", async () => {
    expect((await render(Buffer.alloc(10), "application/zip", { cut: true })).text).toContain("at least 10 bytes");
  });
});
