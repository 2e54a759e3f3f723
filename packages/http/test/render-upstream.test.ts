// Bodies as the model sees them through http_get, from upstreams the test starts on 127.0.0.1.
import { afterEach, describe, expect, it } from "vitest";
import { connect, type Handler, startUpstream, text } from "./helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

/** Serve one body with these headers and return what http_get shows of it after the header lines. */
async function fetchBody(headers: Record<string, string>, body: Buffer | string, path = "/") {
  const handler: Handler = (_req, res) => res.writeHead(200, headers).end(body);
  const upstream = await startUpstream(handler);
  const mcp = await connect({ allowPrivate: true });
  cleanup.push(upstream.close, mcp.close);
  const result = await mcp.call("http_get", { url: `${upstream.origin}${path}` });
  expect(result.isError).toBeFalsy();
  return {
    origin: upstream.origin,
    text: text(result),
    body: String((result.structuredContent as { body?: string } | undefined)?.body),
  };
}

describe("charsets", () => {
  it.each(["windows-1252", "iso-8859-1", "latin1", "ascii"])("decodes charset=%s as windows-1252", async (label) => {
    const { body } = await fetchBody(
      { "content-type": `text/plain; charset=${label}` },
      Buffer.from([0x93, 0x68, 0x69, 0x94, 0x20, 0x80]),
    );
    expect(body).toBe("\u201chi\u201d \u20ac");
  });
});
