// Image bodies through the tools, from a real server on 127.0.0.1: sent as image content when their bytes are a whole
// PNG, JPEG, GIF or WebP within the image limit; summarised, saying why, when not.
import type { CallToolResult } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpServerOptions } from "../../src/server.js";
import { connect, startUpstream, text } from "../helpers.js";
import { GIF, jpeg, png, WEBP } from "../images.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

const PNG = png();
const FILES: Record<string, [type: string, body: Buffer | string]> = {
  "/chart.png": ["image/png", PNG],
  "/photo.jpg": ["image/jpeg", jpeg()],
  "/pixel.gif": ["image/gif", GIF],
  "/pixel.webp": ["image/webp", WEBP],
  "/download": ["application/octet-stream", PNG],
  "/not-an-image.png": ["image/png", "<html><body>404 Not Found</body></html>"],
  "/logo.svg": ["image/svg+xml", '<svg xmlns="http://www.w3.org/2000/svg"><title>logo</title></svg>'],
  "/big.png": ["image/png", png(30, 30)],
  "/report.pdf": ["application/pdf", Buffer.from("%PDF-1.4\n\0\u00ff binary")],
  "/typed-text.png": ["text/plain", PNG],
  "/big-typed-text.png": ["text/plain", png(200, 200)],
};

async function setup(options: HttpServerOptions = {}) {
  const upstream = await startUpstream((req, res) => {
    if (req.url === "/old") return res.writeHead(302, { location: "/chart.png" }).end();
    const [type, body] = FILES[req.url ?? ""] ?? ["text/plain", "missing"];
    const bytes = Buffer.from(body);
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      return res
        .writeHead(206, { "content-type": type, "content-range": `bytes ${from}-${to}/${bytes.length}` })
        .end(bytes.subarray(from, to + 1));
    }
    res.writeHead(200, { "content-type": type, "content-length": bytes.length, "x-chart-id": "7" }).end(bytes);
  });
  const mcp = await connect({ allowLoopback: true, ...options });
  cleanup.push(upstream.close, mcp.close);
  const refusals = async () => {
    const read = await mcp.client.readResource({ uri: "mcp-http://stats" });
    return JSON.parse((read.contents[0] as { text: string }).text).refusals;
  };
  return { upstream, call: mcp.call, refusals };
}

const images = (result: CallToolResult) => result.content.filter((item) => item.type === "image");

describe("image bodies", () => {
  it.each([
    ["/chart.png", "image/png", PNG],
    ["/photo.jpg", "image/jpeg", jpeg()],
    ["/pixel.gif", "image/gif", GIF],
    ["/pixel.webp", "image/webp", WEBP],
  ])(
    "http_get of %s returns it as %s image content, after a line with its URL, status, type and size",
    async (path, mimeType, bytes) => {
      const { upstream, call } = await setup();
      const result = await call("http_get", { url: `${upstream.origin}${path}` });
      const line = `[image: ${mimeType}, ${bytes.length} bytes, from ${upstream.origin}${path}; sent as image content]`;
      expect(result.isError).toBeFalsy();
      expect(result.content).toEqual([
        { type: "text", text: `HTTP 200 OK\ncontent-type: ${mimeType}\ncontent-length: ${bytes.length}\n\n${line}` },
        { type: "image", mimeType, data: bytes.toString("base64") },
      ]);
      expect(result.structuredContent).toMatchObject({ status: 200, body: line });
    },
  );

  it("sniffs the bytes: a PNG served as application/octet-stream is an image, HTML typed image/png is not", async () => {
    const { upstream, call } = await setup();
    const download = await call("http_get", { url: `${upstream.origin}/download` });
    expect(images(download)).toEqual([{ type: "image", mimeType: "image/png", data: PNG.toString("base64") }]);
    expect(text(download)).toContain("[image: image/png (typed application/octet-stream), 81 bytes,");
    const fake = await call("http_get", { url: `${upstream.origin}/not-an-image.png` });
    expect(images(fake)).toEqual([]);
    expect(text(fake)).toContain(
      "[binary body: image/png, 39 bytes; not shown: typed image/png, but its bytes are not a PNG, JPEG, GIF or WebP image]",
    );
  });

  it("sends a PNG typed text/plain as the image it is; one past the page of text asked for is summarised, saying how to read more", async () => {
    const { upstream, call } = await setup();
    const small = await call("http_get", { url: `${upstream.origin}/typed-text.png` });
    expect(images(small)).toEqual([{ type: "image", mimeType: "image/png", data: PNG.toString("base64") }]);
    expect(text(small)).toContain("[image: image/png (typed text/plain), 81 bytes,");
    // A GET of text reads 4 bytes a character of the page asked for (10,000 by default), and this PNG is longer.
    const big = await call("http_get", { url: `${upstream.origin}/big-typed-text.png` });
    expect(images(big)).toEqual([]);
    expect(text(big)).toContain(
      "[binary body: text/plain, at least 40001 bytes; not shown: an image/png typed text/plain, read only as far as the page of text asked for, so not whole; http_request with a larger max_length reads more]",
    );
    const whole = await call("http_request", {
      method: "GET",
      url: `${upstream.origin}/big-typed-text.png`,
      max_length: 100_000,
    });
    expect(images(whole)).toHaveLength(1);
  });

  it("shows an SVG as its XML text", async () => {
    const { upstream, call } = await setup();
    const result = await call("http_get", { url: `${upstream.origin}/logo.svg` });
    expect(images(result)).toEqual([]);
    expect(text(result)).toContain('<svg xmlns="http://www.w3.org/2000/svg"><title>logo</title></svg>');
  });

  it("refuses an image over the image limit as a size refusal, naming the limit and its setting", async () => {
    const { upstream, call, refusals } = await setup({ maxImageBytes: 1000 });
    const result = await call("http_get", { url: `${upstream.origin}/big.png` });
    expect(images(result)).toEqual([]);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^HTTP 200 OK\ncontent-type: image\/png\n/);
    expect(text(result)).toMatch(
      /\[binary body: image\/png, \d+ bytes; not shown: an image\/png over the 1000-byte image limit, set by maxImageBytes\]/,
    );
    const small = await call("http_get", { url: `${upstream.origin}/chart.png` });
    expect(images(small)).toHaveLength(1);
    expect(await refusals()).toEqual({ size: 1 });
  });

  it("refuses an image longer on a side than maxImageSide, which Claude's API would refuse, as a size refusal", async () => {
    const { upstream, call, refusals } = await setup({ maxImageSide: 20 });
    const result = await call("http_get", { url: `${upstream.origin}/big.png` });
    expect(images(result)).toEqual([]);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(
      "not shown: an image/png of 30×30 px, over the 20-px limit on its longer side, set by maxImageSide; Claude's API refuses a larger image and the whole request with it]",
    );
    const small = await call("http_get", { url: `${upstream.origin}/chart.png` });
    expect(images(small)).toHaveLength(1);
    expect(await refusals()).toEqual({ size: 1 });
  });

  it("summarises an image the read limit cut, with the note on the cut: an answer, not a refusal", async () => {
    const { upstream, call, refusals } = await setup({ maxResponseBytes: 50 });
    const result = await call("http_get", { url: `${upstream.origin}/chart.png` });
    expect(images(result)).toEqual([]);
    expect(text(result)).toContain(
      "[binary body: image/png, at least 50 bytes; not shown: an image/png cut short, so not a whole image]",
    );
    expect(text(result)).toContain("[body cut at the 50-byte read limit, set by maxResponseBytes");
    expect(result.structuredContent).toMatchObject({ truncated: true, content_length: 81 });
    expect(result.isError).toBeFalsy();
    expect(await refusals()).toEqual({});
  });

  it("follows a redirect to an image and says where it ended", async () => {
    const { upstream, call } = await setup();
    const result = await call("http_get", { url: `${upstream.origin}/old` });
    expect(text(result)).toContain(`url: ${upstream.origin}/chart.png (after 1 redirect)`);
    expect(images(result)).toEqual([{ type: "image", mimeType: "image/png", data: PNG.toString("base64") }]);
  });

  it("with raw: true returns the image too, with every header", async () => {
    const { upstream, call } = await setup();
    const result = await call("http_request", { method: "GET", url: `${upstream.origin}/photo.jpg`, raw: true });
    expect(text(result)).toContain("x-chart-id: 7");
    expect(images(result)).toHaveLength(1);
  });

  it("a HEAD of an image returns its headers only", async () => {
    const { upstream, call } = await setup();
    const result = await call("http_request", { method: "HEAD", url: `${upstream.origin}/chart.png` });
    expect(result.content).toEqual([
      { type: "text", text: "HTTP 200 OK\ncontent-type: image/png\ncontent-length: 81" },
    ]);
  });

  it("a small max_length does not cut the line about an image; start_index is refused, as an image is not paged", async () => {
    const { upstream, call } = await setup();
    const url = `${upstream.origin}/chart.png`;
    const short = await call("http_request", { method: "GET", url, max_length: 5 });
    expect(text(short)).toContain(`[image: image/png, 81 bytes, from ${url}; sent as image content]`);
    expect(images(short)).toHaveLength(1);
    const paged = await call("http_request", { method: "GET", url, start_index: 10 });
    expect(paged.isError).toBe(true);
    expect(text(paged)).toBe(
      `start_index 10 pages a text body, and ${url} answered with image/png, sent whole as image content: call again without start_index`,
    );
  });

  it("a binary body's summary is one line, not paged by max_length, and start_index on it is refused", async () => {
    const { upstream, call } = await setup();
    const url = `${upstream.origin}/report.pdf`;
    const short = await call("http_request", { method: "GET", url, max_length: 20 });
    expect(text(short)).toBe(
      "HTTP 200 OK\ncontent-type: application/pdf\ncontent-length: 19\n\n[binary body: application/pdf, 19 bytes; not shown: only images (PNG, JPEG, GIF or WebP) are returned, as image content]",
    );
    expect(short.structuredContent).not.toHaveProperty("next_start_index");
    const paged = await call("http_request", { method: "GET", url, start_index: 20 });
    expect(paged.isError).toBe(true);
    expect(text(paged)).toBe(
      `start_index 20 pages a text body, and ${url} answered with a binary body, summarised, not shown: call again without start_index`,
    );
  });

  it("a Range's part of an image is summarised, not sent as a broken image", async () => {
    const { upstream, call } = await setup();
    const result = await call("http_request", {
      method: "GET",
      url: `${upstream.origin}/chart.png`,
      headers: { Range: "bytes=0-59" },
    });
    expect(text(result)).toContain("HTTP 206 Partial Content");
    expect(text(result)).toContain(
      "[binary body: image/png, 60 bytes; not shown: an image/png that is not a whole image (cut short: it has no IEND chunk, a PNG's end)]",
    );
    expect(images(result)).toEqual([]);
  });
});
