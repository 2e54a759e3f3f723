import { afterEach, describe, expect, it } from "vitest";
import type { HttpServerOptions } from "../../src/server.js";
import { MAX_SHOWN_HEADER_CHARS } from "../../src/shown-headers.js";
import { connect, type Handler, startUpstream, text } from "../helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function setup(handler: Handler, options: HttpServerOptions = {}) {
  const upstream = await startUpstream(handler);
  const mcp = await connect({ allowPrivate: true, ...options });
  cleanup.push(upstream.close, mcp.close);
  return { upstream, request: (args: Record<string, unknown>) => mcp.call("http_request", args) };
}

describe("http_request", () => {
  it("sends any method with a body and params", async () => {
    const { upstream, request } = await setup((_req, res) => res.writeHead(204).end());
    const result = await request({ method: "PUT", url: `${upstream.origin}/r/1`, params: { v: "2" }, body: { a: 1 } });
    expect(text(result)).toBe("HTTP 204 No Content");
    expect(upstream.seen[0]).toMatchObject({ method: "PUT", url: "/r/1?v=2", body: '{"a":1}' });
  });

  it("shows the headers an OPTIONS or a 405 is sent for, says a Set-Cookie was withheld, and all with raw", async () => {
    const { upstream, request } = await setup((req, res) =>
      res
        .writeHead(req.method === "OPTIONS" ? 204 : 405, {
          allow: "GET, POST, OPTIONS",
          "access-control-allow-methods": "GET, POST",
          "set-cookie": ["session=topsecret; HttpOnly", "b=2"],
          "x-api-version": "2",
        })
        .end(),
    );
    const options = await request({ method: "OPTIONS", url: `${upstream.origin}/allow` });
    expect(text(options)).toBe(
      "HTTP 204 No Content\nallow: GET, POST, OPTIONS\naccess-control-allow-methods: GET, POST\n[Set-Cookie withheld: this tool keeps no cookies, so a cookie session does not carry to the next call; use a token the API issues (an Authorization or API-key header), or have the server's operator add the host's headers with credentials]",
    );
    const refused = await request({ method: "DELETE", url: `${upstream.origin}/allow` });
    expect(text(refused)).toMatch(/^HTTP 405 Method Not Allowed\nallow: GET, POST, OPTIONS\n\[Set-Cookie withheld/);
    const all = await request({ method: "DELETE", url: `${upstream.origin}/allow`, raw: true });
    expect(all.structuredContent).toMatchObject({
      headers: { "x-api-version": "2", "access-control-allow-methods": "GET, POST" },
    });
    expect(JSON.stringify(all)).not.toContain("topsecret");
  });

  it("shows at most MAX_SHOWN_HEADER_CHARS of an upstream's 14 KB of headers, the key ones first, raw too", async () => {
    const junk = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`x-ratelimit-junk-${i}`, "v".repeat(450)]));
    const { upstream, request } = await setup((_req, res) =>
      res.writeHead(200, { ...junk, "content-type": "text/plain", "x-filler": "f".repeat(600) }).end("ok"),
    );
    for (const raw of [false, true]) {
      const result = await request({ method: "GET", url: `${upstream.origin}/h`, max_length: 100, raw });
      const [head = ""] = text(result).split("\n\n");
      const lines = head.split("\n").slice(1, -1);
      expect(lines.join("\n").length).toBeLessThanOrEqual(MAX_SHOWN_HEADER_CHARS);
      expect(lines).toContain("content-type: text/plain");
      expect(head).toMatch(
        /\[response headers: \d+ characters of them, more than the 4000 a result shows, so .*left out: /,
      );
      expect(text(result)).toMatch(/\n\nok$/);
      const { headers } = result.structuredContent as { headers: Record<string, string> };
      expect(Object.keys(headers)).toHaveLength(lines.length);
    }
  });

  it("says when a param value already holding a percent-escape was encoded again, and how to send it as written", async () => {
    const { upstream, request } = await setup((req, res) => res.writeHead(200).end(req.url));
    const result = await request({ method: "GET", url: `${upstream.origin}/p`, params: { q: "a%20b", page: "2" } });
    expect(upstream.seen[0]?.url).toBe("/p?q=a%2520b&page=2");
    expect(text(result)).toContain(
      '[params: "q" is "a%20b", which holds a percent-escape, and was sent encoded again, as q=a%2520b: a param\'s value is the text itself. If it was already encoded (a cursor or token copied from a URL), put it in the url as written instead of in params]',
    );
    const plain = await request({ method: "GET", url: `${upstream.origin}/p`, params: { q: "100%", r: "a b" } });
    expect(text(plain)).not.toContain("[params:");
  });

  it("pages long text with max_length and start_index", async () => {
    const body = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    const { upstream, request } = await setup((_req, res) =>
      res.writeHead(200, { "content-type": "text/plain" }).end(body),
    );
    const first = await request({ method: "GET", url: upstream.origin, max_length: 50 });
    const next = (first.structuredContent as { next_start_index: number }).next_start_index;
    expect(next).toBe(50);
    // Reading stopped once the page was in hand: the text is what was read, never presented as the whole.
    expect(text(first)).toContain(
      "[showing characters 0-50 of the first 201 read; call http_request with start_index=50 for more]",
    );
    const second = await request({ method: "GET", url: upstream.origin, max_length: 50, start_index: next });
    expect((second.structuredContent as { body: string }).body).toBe(body.slice(50, 100));
    const last = await request({ method: "GET", url: upstream.origin, start_index: body.length - 5 });
    expect((last.structuredContent as { body: string; next_start_index?: number }).body).toBe(body.slice(-5));
    expect(last.structuredContent).not.toHaveProperty("next_start_index");
  });

  it("offers raw: true on the first page of re-indented JSON that it pages in fewer pages, and keeps raw in its note", async () => {
    const items = JSON.stringify(
      Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}`, ok: i % 2 === 0 })),
    );
    const { upstream, request } = await setup((_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(items),
    );
    const shown = await request({ method: "GET", url: upstream.origin, max_length: 1000 });
    const total = Number(/of (\d+);/.exec(text(shown))?.[1]);
    expect(total).toBeGreaterThan(items.length * 1.5);
    expect(text(shown)).toContain(
      `; call http_request with start_index=1000 for more, or from start_index=0 with raw: true for the JSON as sent, not re-indented: ${items.length} characters, ${Math.ceil(items.length / 1000)} pages of 1000 rather than ${Math.ceil(total / 1000)}]`,
    );
    const second = await request({ method: "GET", url: upstream.origin, max_length: 1000, start_index: 1000 });
    expect(text(second)).not.toContain("raw: true");
    const raw = await request({ method: "GET", url: upstream.origin, max_length: 1000, raw: true });
    expect((raw.structuredContent as { body: string }).body).toBe(items.slice(0, 1000));
    expect(text(raw)).toContain("call http_request with raw: true and start_index=1000 for more]");
  });

  it("closes a code block a page of markdown cuts and reopens it, with its language, on the next", async () => {
    const code = Array.from({ length: 12 }, (_, i) => `# step ${i}\nrun(${i})`).join("\n");
    const page = `<p>Install it:</p><pre><code class="language-python">${code}</code></pre><p>Done.</p>`;
    const { upstream, request } = await setup((_req, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end(page),
    );
    const markdown = `Install it:\n\n\`\`\`python\n${code}\n\`\`\`\n\nDone.`;
    const first = await request({ method: "GET", url: upstream.origin, max_length: 60 });
    // The fence is shown, not counted: the next page starts where this one stopped.
    expect(text(first)).toContain(
      `\n\n${markdown.slice(0, 60)}\n\`\`\`\n\n[showing characters 0-60 of ${markdown.length};`,
    );
    expect(first.structuredContent).toMatchObject({ body: markdown.slice(0, 60), next_start_index: 60 });
    const second = await request({ method: "GET", url: upstream.origin, max_length: 60, start_index: 60 });
    expect(text(second)).toContain(
      `\n\n\`\`\`python\n${markdown.slice(60, 120)}\n\`\`\`\n\n[showing characters 60-120 `,
    );
    expect(second.structuredContent).toMatchObject({ body: markdown.slice(60, 120), next_start_index: 120 });
    const last = await request({ method: "GET", url: upstream.origin, start_index: markdown.indexOf("run(11)") });
    expect(text(last)).toMatch(/\n\n```python\nrun\(11\)\n```\n\nDone\.$/);
  });

  it("never offers to page a POST, and refuses start_index on one rather than sending it again", async () => {
    const body = "r".repeat(120);
    const { upstream, request } = await setup((_req, res) =>
      res.writeHead(201, { "content-type": "text/plain" }).end(body),
    );
    const first = await request({ method: "POST", url: `${upstream.origin}/orders`, body: { n: 1 }, max_length: 50 });
    expect(first.isError).toBeFalsy();
    expect(first.structuredContent).not.toHaveProperty("next_start_index");
    expect(text(first)).toContain(
      "[showing characters 0-50 of 120; the rest was not kept, and start_index would send the POST again (it may write twice).",
    );
    expect(text(first)).not.toContain("start_index=");
    const again = await request({ method: "POST", url: `${upstream.origin}/orders`, body: { n: 1 }, start_index: 50 });
    expect(again.isError).toBe(true);
    expect(text(again)).toContain("start_index 50 would send the POST again");
    expect(upstream.seen).toHaveLength(1);
  });

  it("stops reading a GET's text once the page is in hand, rather than waiting for an upstream that never ends", async () => {
    const { upstream, request } = await setup(
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        res.write("語".repeat(4000));
      },
      { timeoutMs: 10_000 },
    );
    const result = await request({ method: "GET", url: upstream.origin, max_length: 100, start_index: 100 });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ body: "語".repeat(100), next_start_index: 200 });
    expect(result.structuredContent).not.toHaveProperty("truncated");
    expect(text(result)).not.toContain("time limit");
  });

  it("sends a configured credential in place of an Authorization header the model gave", async () => {
    const upstream = await startUpstream((_req, res) => res.writeHead(204).end());
    const mcp = await connect({
      allowPrivate: true,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${TOKEN} is the credential syntax.
      credentials: { [`127.0.0.1:${upstream.port}`]: { Authorization: "Bearer ${TOKEN}" } },
      env: { TOKEN: "configured-token-123" },
    });
    cleanup.push(upstream.close, mcp.close);
    await mcp.call("http_request", {
      method: "GET",
      url: upstream.origin,
      headers: { Authorization: "Bearer model-token", "X-Other": "kept" },
    });
    expect(upstream.seen[0]?.headers).toMatchObject({
      authorization: "Bearer configured-token-123",
      "x-other": "kept",
    });
    expect(upstream.seen[0]?.headers.authorization).not.toContain("model-token");
  });

  it("caps max_length at the server's limit, and says so in one line only when that shortened the page", async () => {
    const body = "a".repeat(150_000);
    const { upstream, request } = await setup((req, res) =>
      res.writeHead(200, { "content-type": "text/plain" }).end(req.url === "/short" ? "short" : body),
    );
    const result = await request({ method: "GET", url: upstream.origin, max_length: 1e12 });
    expect(result.structuredContent).toMatchObject({ body: "a".repeat(100_000), next_start_index: 100_000 });
    expect(text(result)).toContain(
      "\n\n[max_length 1000000000000 is over this server's limit of 100000 characters per result, set by maxLengthLimit; returned 100000 characters]\n\n[showing characters 0-100000 of 150000; call http_request with start_index=100000 for more]",
    );
    const rest = await request({ method: "GET", url: upstream.origin, max_length: 1e12, start_index: 100_000 });
    expect((rest.structuredContent as { body: string }).body).toHaveLength(50_000);
    const short = await request({ method: "GET", url: `${upstream.origin}/short`, max_length: 1e12 });
    expect(text(short)).not.toContain("limit");
  });

  it("takes the operator's limit, named as the bin names it", async () => {
    const names = (option: string) => (option === "maxLengthLimit" ? "--max-length-limit N" : option);
    const { upstream, request } = await setup((_req, res) => res.end("x".repeat(100)), {
      maxLength: 10,
      maxLengthLimit: 40,
      settingNames: names,
    });
    const result = await request({ method: "GET", url: upstream.origin, max_length: 41 });
    expect((result.structuredContent as { body: string }).body).toHaveLength(40);
    expect(text(result)).toContain(
      "[max_length 41 is over this server's limit of 40 characters per result, set by --max-length-limit N; returned 40 characters]",
    );
  });

  it.each<[string, string, string[]]>([
    ["French", "Élève à l'école, où l'été", ["Élève à l", "'école, o", "ù l'été"]],
    ["German", "Größe, Straße, Übermaß", ["Größe, St", "raße, Übe", "rmaß"]],
    ["CJK", "日本語のテキストを読む", ["日本語のテキストを", "読む"]],
    // A skin tone is a code point of its own: 👍🏽 is two characters.
    ["emoji", "a😀b🎉c👍🏽d✨e", ["a😀b🎉c👍🏽d✨", "e"]],
  ])("pages %s text by characters, as max_length says, never splitting one", async (_name, body, pages) => {
    const { upstream, request } = await setup((_req, res) =>
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(body),
    );
    const got: string[] = [];
    for (let start: number | undefined = 0; start !== undefined && got.length < 5; ) {
      const page = (await request({ method: "GET", url: upstream.origin, max_length: 9, start_index: start }))
        .structuredContent as { body: string; next_start_index?: number };
      got.push(page.body);
      start = page.next_start_index;
    }
    expect(got).toEqual(pages);
  });

  it("says when start_index is past the end", async () => {
    const { upstream, request } = await setup((_req, res) => res.end("short"));
    const result = await request({ method: "GET", url: upstream.origin, start_index: 99 });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe("start_index 99 is past the end of the body (5 characters)");
  });

  it("points past the read cap at a Range request", async () => {
    const { upstream, request } = await setup(
      (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("y".repeat(10_000)),
      { maxResponseBytes: 4000 },
    );
    const result = await request({ method: "GET", url: upstream.origin, start_index: 3990 });
    expect(text(result)).toContain(
      "[body cut at the 4000-byte read limit, set by maxResponseBytes: truncated, the rest was not read; its full length is unknown (no Content-Length); send a header like Range: bytes=4000- for the rest]",
    );
    // Followed, that advice gets the same 200 from an upstream that ignores ranges: it must not be given again.
    const again = await request({ method: "GET", url: upstream.origin, headers: { Range: "bytes=4000-" } });
    expect(upstream.seen.at(-1)?.headers.range).toBe("bytes=4000-");
    expect(text(again)).toMatch(/^HTTP 200 OK/);
    expect(text(again)).toContain("the upstream ignored the Range header sent (bytes=4000-) and answered 200");
    expect(text(again)).not.toContain("Range: bytes=");
    const beyond = await request({ method: "GET", url: upstream.origin, start_index: 5000 });
    expect(beyond.isError).toBe(true);
    expect(text(beyond)).toContain(
      "start_index 5000 is past the 4000 characters read; [body cut at the 4000-byte read limit",
    );
  });

  it("returns raw HTML on request", async () => {
    const html = "<p>Hi <script>x()</script></p>";
    const { upstream, request } = await setup((_req, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end(html),
    );
    expect(text(await request({ method: "GET", url: upstream.origin, raw: true }))).toContain(html);
    expect(text(await request({ method: "GET", url: upstream.origin }))).toMatch(/\n\nHi$/);
  });

  it("retries a GET on 503 with Retry-After and says so", async () => {
    let calls = 0;
    const { upstream, request } = await setup((_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503, { "retry-after": "1" }).end("busy");
      else res.end("recovered");
    });
    const result = await request({ method: "GET", url: upstream.origin });
    expect(text(result)).toBe("HTTP 200 OK\nretried: 1\ncontent-length: 9\n\nrecovered");
    expect(upstream.seen).toHaveLength(2);
  });

  it("says why a 429 was not retried and how long to wait, a Retry-After date given in seconds", async () => {
    // A date an hour ahead: past the 10 s this server waits, so the 429 is the answer.
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    const { upstream, request } = await setup((req, res) =>
      res.writeHead(req.method === "POST" ? 503 : 429, { "retry-after": later }).end("slow down"),
    );
    const get = text(await request({ method: "GET", url: upstream.origin }));
    expect(get).toMatch(
      /\n\n\[Not retried: Retry-After asks for 3\d{3} seconds, longer than the 10 s this server waits within a call\. Call again after \d\d:\d\d:\d\d UTC, 3\d{3} seconds from now\.\]$/,
    );
    const post = text(await request({ method: "POST", url: upstream.origin, body: { a: 1 } }));
    expect(post).toMatch(/^HTTP 503 Service Unavailable\n/);
    expect(post).toContain(
      "[Not retried: a POST is never resent for you, as it may act twice (unless it carries an Idempotency-Key header, for an API that takes one). Retry-After asks for 3",
    );
    expect(upstream.seen.map((seen) => seen.method)).toEqual(["GET", "POST"]);
  });

  it("says how long a 403 with Retry-After (GitHub's secondary rate limit) asks to wait, and sends it once", async () => {
    const { upstream, request } = await setup((_req, res) =>
      res
        .writeHead(403, { "content-type": "application/json", "retry-after": "60" })
        .end('{"message":"You have exceeded a secondary rate limit."}'),
    );
    const result = text(await request({ method: "GET", url: upstream.origin }));
    expect(result).toMatch(/^HTTP 403 Forbidden\ncontent-type: application\/json\nretry-after: 60\n/);
    expect(result).toMatch(
      /\n\n\[Not retried: only a 429 or 503 is resent for you, and this is a 403, .* Retry-After asks for 60 seconds: call again after \d\d:\d\d:\d\d UTC, 60 seconds from now\.\]$/,
    );
    expect(upstream.seen).toHaveLength(1);
  });

  it("HEAD returns status and headers only", async () => {
    const { upstream, request } = await setup((_req, res) =>
      res.writeHead(200, { "content-type": "text/plain" }).end("body"),
    );
    expect(text(await request({ method: "HEAD", url: upstream.origin }))).toBe("HTTP 200 OK\ncontent-type: text/plain");
  });

  it("refuses a body on GET", async () => {
    const { upstream, request } = await setup((_req, res) => res.end());
    const result = await request({ method: "GET", url: upstream.origin, body: "x" });
    expect(text(result)).toBe("GET cannot carry a body; use POST, PUT or PATCH");
    expect(upstream.seen).toHaveLength(0);
  });

  it("in read-only mode refuses other methods without sending", async () => {
    const { upstream, request } = await setup((_req, res) => res.end("ok"), { readOnly: true });
    const result = await request({ method: "DELETE", url: upstream.origin });
    expect(result.isError).toBe(true);
    expect(upstream.seen).toHaveLength(0);
    expect(text(await request({ method: "GET", url: upstream.origin }))).toBe("HTTP 200 OK\ncontent-length: 2\n\nok");
  });

  it("follows a redirect and names the final URL", async () => {
    const { upstream, request } = await setup((req, res) =>
      req.url === "/old" ? res.writeHead(301, { location: "/new" }).end() : res.end("moved here"),
    );
    const result = await request({ method: "GET", url: `${upstream.origin}/old` });
    expect(text(result)).toBe(
      `HTTP 200 OK\nurl: ${upstream.origin}/new (after 1 redirect)\ncontent-length: 10\n\nmoved here`,
    );
  });

  it("bounds the url line of a redirect to a very long URL with the headers, and says how long it was", async () => {
    // The url line sat outside the headers' bound: a 15,000-character Location made a 15,053-character line.
    const query = "q".repeat(15000);
    const { upstream, request } = await setup((req, res) =>
      req.url === "/old" ? res.writeHead(302, { location: `/new?q=${query}` }).end() : res.end("moved here"),
    );
    const result = await request({ method: "GET", url: `${upstream.origin}/old`, max_length: 100 });
    const [head = ""] = text(result).split("\n\n");
    const [, urlLine = "", ...rest] = head.split("\n");
    expect(urlLine).toMatch(/^url: http:\/\/127\.0\.0\.1:\d+\/new\?q=q+… \(after 1 redirect\)$/);
    expect(rest).toEqual([
      "content-length: 10",
      `[url: the final URL is ${upstream.origin.length + 15007} characters, cut here and in structuredContent's url to its first ${MAX_SHOWN_HEADER_CHARS - 45}: the url line and the response headers take at most ${MAX_SHOWN_HEADER_CHARS} characters of a result]`,
    ]);
    expect(`${urlLine}\n${rest[0]}\n`.length).toBe(MAX_SHOWN_HEADER_CHARS);
    expect(text(result)).toMatch(/\n\nmoved here$/);
    const { url } = result.structuredContent as { url: string };
    expect(url).toBe(urlLine.slice("url: ".length, -" (after 1 redirect)".length));
    expect(upstream.seen[1]?.url).toBe(`/new?q=${query}`);
  });
});

describe("http_request's method", () => {
  it("takes a method in any case", async () => {
    const { upstream, request } = await setup((_req, res) => res.writeHead(204).end());
    const result = await request({ method: "delete", url: `${upstream.origin}/r/1` });
    expect(text(result)).toBe("HTTP 204 No Content");
    expect(upstream.seen[0]?.method).toBe("DELETE");
  });

  it.each<[string, HttpServerOptions, string, string]>([
    ["an unknown method", {}, "TRACE", "one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"],
    [
      "a write in read-only mode",
      { readOnly: true },
      "post",
      "only GET and HEAD: this server is read-only, set by readOnly",
    ],
  ])("refuses %s, naming what it takes", async (_, options, method, message) => {
    const { upstream, request } = await setup((_req, res) => res.writeHead(204).end(), options);
    const result = await request({ method, url: upstream.origin });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(`method: ${message}`);
    expect(upstream.seen).toHaveLength(0);
  });
});
