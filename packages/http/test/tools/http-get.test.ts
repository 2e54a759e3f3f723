import { createServer as createTcpServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpServerOptions } from "../../src/server.js";
import { connect, type Handler, startUpstream, text, type Upstream } from "../helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function setup(handler: Handler, options: HttpServerOptions = { allowPrivate: true }) {
  const upstream: Upstream = await startUpstream(handler);
  const mcp = await connect(options);
  cleanup.push(upstream.close, mcp.close);
  return { upstream, get: (args: Record<string, unknown>) => mcp.call("http_get", args) };
}

describe("http_get", () => {
  it("given http_request's arguments, says that http_request takes them; the upstream receives nothing", async () => {
    const { upstream, get } = await setup((_req, res) => res.end("should not be reached"));
    const result = await get({ url: `http://127.0.0.1:${upstream.port}/`, max_length: 100000, raw: true });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/; it takes url, headers, params; http_request takes max_length, raw$/);
    expect(upstream.seen).toHaveLength(0);
  });

  it.each(["127.0.0.1", "2130706433", "0x7f000001", "127.1", "[::ffff:127.0.0.1]", "localhost."])(
    "refuses loopback spelling %s by default; the local server receives nothing",
    async (host) => {
      const { upstream, get } = await setup((_req, res) => res.end("should not be reached"), {});
      const result = await get({ url: `http://${host}:${upstream.port}/` });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(
        /^refused: .* is a loopback address; the server's operator can allow loopback alone with allowLoopback: true$/,
      );
      expect(upstream.connections).toBe(0);
      expect(upstream.seen).toHaveLength(0);
    },
  );

  it("with allowLoopback alone reaches a dev API on 127.0.0.1, ::1 and localhost", async () => {
    const v4 = await startUpstream((req, res) => res.end(`v4 ${req.url}`));
    const v6 = await startUpstream((req, res) => res.end(`v6 ${req.url}`), "::1");
    const mcp = await connect({ allowLoopback: true });
    cleanup.push(v4.close, v6.close, mcp.close);
    const get = async (url: string) => text(await mcp.call("http_get", { url }));
    expect(await get(`http://127.0.0.1:${v4.port}/a`)).toMatch(/\n\nv4 \/a$/);
    expect(await get(`http://2130706433:${v4.port}/b`)).toMatch(/\n\nv4 \/b$/);
    expect(await get(`http://[::1]:${v6.port}/c`)).toMatch(/\n\nv6 \/c$/);
    // localhost is whatever this machine resolves it to, and every address it resolves to is loopback.
    expect(await get(`http://localhost:${v4.port}/d`)).toMatch(/\n\nv4 \/d$/);
    expect(mcp.client.getInstructions()).toContain(
      "Loopback addresses (localhost) are allowed; private addresses are refused.",
    );
  });

  it("fetches JSON with query params and pretty-prints it, with structured content", async () => {
    const { upstream, get } = await setup((req, res) =>
      res
        .writeHead(200, { "content-type": "application/json", etag: '"v1"', "x-noise": "1" })
        .end(`{"q":"${req.url}"}`),
    );
    const result = await get({ url: `${upstream.origin}/search?a=1`, params: { b: "two words", n: 3 } });
    expect(result.isError).toBeFalsy();
    expect(text(result)).toBe(
      `HTTP 200 OK\ncontent-type: application/json\netag: "v1"\n\n{\n  "q": "/search?a=1&b=two+words&n=3"\n}`,
    );
    expect(result.structuredContent).toMatchObject({
      status: 200,
      url: `${upstream.origin}/search?a=1&b=two+words&n=3`,
    });
  });

  it("pretty-prints JSON from the upstream without changing a number or dropping a duplicate key", async () => {
    const body = '{"id":1234567890123456789,"big":1e400,"z":-0,"a":1,"a":2,"s":"\\u00e9 \\"q\\""}';
    const { upstream, get } = await setup((_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(body),
    );
    const result = await get({ url: upstream.origin });
    expect((result.structuredContent as { body: string }).body).toBe(
      '{\n  "id": 1234567890123456789,\n  "big": 1e400,\n  "z": -0,\n  "a": 1,\n  "a": 2,\n  "s": "\\u00e9 \\"q\\""\n}',
    );
  });

  it("lets a param replace the same-named one in the URL, and refuses an array param, sending nothing", async () => {
    const { upstream, get } = await setup((_req, res) =>
      res.writeHead(200, { "content-type": "text/plain" }).end("ok"),
    );
    await get({ url: `${upstream.origin}/items?page=1&tag=a&tag=b`, params: { page: "3", limit: 10 } });
    expect(upstream.seen[0]?.url).toBe("/items?page=3&tag=a&tag=b&limit=10");
    const refused = await get({ url: `${upstream.origin}/items`, params: { tag: ["a", "b"] } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain(
      "a query param is one string; write a repeated key in the url itself (?tag=a&tag=b)",
    );
    expect(upstream.seen).toHaveLength(1);
  });

  it.each([
    [
      "an object",
      { o: { k: 1 } },
      'params.o: a query param is one string, not an object; write the nested key as the API spells it, e.g. params {"o[k]": "1"}',
    ],
    [
      "null",
      { n: null },
      "params.n: a query param is one string, and null is none; leave the param out to send nothing",
    ],
  ])("refuses %s as a param with advice that fits it, sending nothing", async (_, params, message) => {
    const { upstream, get } = await setup((_req, res) => res.end("ok"));
    const refused = await get({ url: upstream.origin, params });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain(message);
    expect(text(refused)).not.toContain("repeated key");
    expect(upstream.seen).toHaveLength(0);
  });

  it("shows paging, tracing and rate-limit headers, never Set-Cookie", async () => {
    const { upstream, get } = await setup((_req, res) =>
      res
        .writeHead(429, {
          "content-type": "text/plain",
          "x-total-count": "240",
          "x-next-page": "4",
          "x-request-id": "req-7",
          "retry-after": "30",
          ratelimit: "limit=10, remaining=0, reset=30",
          "ratelimit-policy": "10;w=60",
          "x-ratelimit-remaining": "0",
          "set-cookie": "session=abc123",
          server: "nginx",
        })
        .end("slow down"),
    );
    const result = await get({ url: upstream.origin });
    expect((result.structuredContent as { headers: Record<string, string> }).headers).toEqual({
      "content-type": "text/plain",
      "x-total-count": "240",
      "x-next-page": "4",
      "x-request-id": "req-7",
      "retry-after": "30",
      ratelimit: "limit=10, remaining=0, reset=30",
      "ratelimit-policy": "10;w=60",
      "x-ratelimit-remaining": "0",
    });
    expect(text(result)).not.toContain("session=abc123");
  });

  it("turns HTML into markdown without scripts and styles", async () => {
    const html =
      "<html><head><title>T</title><style>body{color:red}</style></head><body><h1>Title</h1>" +
      "<script>alert('x')</script><p>Some <b>bold</b> <a href='/x'>link</a>.</p><noscript>nojs</noscript></body></html>";
    const { upstream, get } = await setup((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
    const body = text(await get({ url: upstream.origin }));
    expect(body).toContain("# Title");
    expect(body).toContain(`Some **bold** [link](${upstream.origin}/x).`);
    expect(body).not.toMatch(/alert|color:red|nojs/);
  });

  it("summarises a binary body instead of dumping it, saying why", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]);
    const { upstream, get } = await setup((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(png));
    const result = await get({ url: upstream.origin });
    const body = text(result);
    expect(body).toContain(
      "[binary body: image/png, 11 bytes; not shown: an image/png that is not a whole image (no IHDR chunk where a PNG's header must be)]",
    );
    expect(result.content).toHaveLength(1);
  });

  it("decodes a declared charset and survives invalid UTF-8", async () => {
    const { upstream, get } = await setup((req, res) =>
      req.url === "/latin1"
        ? res
            .writeHead(200, { "content-type": "text/plain; charset=iso-8859-1" })
            .end(Buffer.from([0x63, 0x61, 0x66, 0xe9]))
        : res
            .writeHead(200, { "content-type": "text/plain; charset=utf-8" })
            .end(Buffer.from([0x61, 0xff, 0xfe, 0x62])),
    );
    expect(text(await get({ url: `${upstream.origin}/latin1` }))).toMatch(/café$/);
    expect(text(await get({ url: `${upstream.origin}/bad` }))).toMatch(
      /a\uFFFD\uFFFDb\n\n\[charset: some bytes are not valid utf-8 \(named by Content-Type\) and show as \uFFFD\]$/,
    );
  });

  it("reads a legacy page that declares no charset and is not UTF-8 as windows-1252, and says so", async () => {
    // “Café” – 5 € in windows-1252: curly quotes, é, an en dash and the euro sign, with no charset anywhere.
    const legacy = Buffer.from([
      0x3c, 0x70, 0x3e, 0x93, 0x43, 0x61, 0x66, 0xe9, 0x94, 0x20, 0x96, 0x20, 0x35, 0x20, 0x80, 0x3c, 0x2f, 0x70, 0x3e,
    ]);
    const { upstream, get } = await setup((req, res) => {
      if (req.url === "/html") res.writeHead(200, { "content-type": "text/html" }).end(legacy);
      else if (req.url === "/sniffed") res.end(Buffer.concat([Buffer.from("<html><body>"), legacy]));
      else res.writeHead(200, { "content-type": "text/plain" }).end(legacy);
    });
    const note =
      "[charset: none was declared and the body is not valid UTF-8, so it was read as windows-1252, as browsers read such legacy pages]";
    for (const path of ["/html", "/sniffed"]) {
      const result = await get({ url: `${upstream.origin}${path}` });
      expect(text(result)).toMatch(/\n\n\u201cCafé\u201d \u2013 5 \u20ac\n\n/);
      expect(text(result).endsWith(note)).toBe(true);
    }
    const plain = await get({ url: `${upstream.origin}/plain` });
    expect(text(plain)).toContain("<p>\u201cCafé\u201d \u2013 5 \u20ac</p>");
    expect(text(plain).endsWith(note)).toBe(true);
    expect(text(plain)).not.toContain("\uFFFD");
  });

  it("sends credentials for the host but never shows them, even when the upstream echoes them", async () => {
    const { upstream, get } = await setup(
      (req, res) =>
        res
          .writeHead(200, {
            "content-type": "application/json",
            "www-authenticate": `echo ${req.headers["x-api-key"]}`,
          })
          .end(JSON.stringify({ headers: req.headers, url: req.url })),
      {
        allowPrivate: true,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the credential syntax under test.
        credentials: { "127.0.0.1": { "X-Api-Key": "key-${TEST_SECRET}", Authorization: "Bearer ${TEST_SECRET}" } },
        env: { TEST_SECRET: "hunter2-very-secret" },
      },
    );
    const result = await get({ url: `${upstream.origin}/?echo=hunter2-very-secret` });
    expect(upstream.seen[0]?.headers["x-api-key"]).toBe("key-hunter2-very-secret");
    expect(upstream.seen[0]?.headers.authorization).toBe("Bearer hunter2-very-secret");
    const shown = JSON.stringify(result);
    expect(shown).not.toContain("hunter2");
    expect(shown).toContain("[redacted]");
  });

  it("never shows most of a credential that an echoing upstream places across the read cap", async () => {
    const secret = "hunter2-very-secret";
    const cap = 200;
    const { upstream, get } = await setup(
      (req, res) => {
        const echoed = String(req.headers["x-api-key"]);
        // Pad so the cap falls one character before the end of the echoed secret.
        res.writeHead(200, { "content-type": "text/plain" }).end(`${"p".repeat(cap - echoed.length + 1)}${echoed}`);
      },
      {
        allowPrivate: true,
        maxResponseBytes: cap,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the credential syntax under test.
        credentials: { "127.0.0.1": { "X-Api-Key": "${TEST_SECRET}" } },
        env: { TEST_SECRET: secret },
      },
    );
    const result = await get({ url: upstream.origin });
    expect(upstream.seen[0]?.headers["x-api-key"]).toBe(secret);
    expect(result.isError).toBeFalsy();
    const shown = JSON.stringify(result);
    expect(shown).toContain("[body cut at the 200-byte read limit");
    expect(shown).not.toContain("hunter2-very-secre");
    expect(shown).not.toContain("hunter2");
  });

  it("says which configured credentials plain http kept from a named host, so a 401 is not taken for a bad key", async () => {
    const { upstream, get } = await setup((req, res) => res.writeHead(req.headers.authorization ? 200 : 401).end(), {
      allowLoopback: true,
      // A name the tests resolve to the local upstream: not local by its spelling, as an intranet API's is not.
      lookup: ((_host: string, _options: unknown, callback: (...args: unknown[]) => void) =>
        callback(null, [{ address: "127.0.0.1", family: 4 }])) as unknown as HttpServerOptions["lookup"],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the credential syntax under test.
      credentials: { "api.example.test": { Authorization: "Bearer ${TEST_SECRET}" } },
      env: { TEST_SECRET: "hunter2-very-secret" },
    });
    const result = await get({ url: `http://api.example.test:${upstream.port}/` });
    expect(upstream.seen[0]?.headers.authorization).toBeUndefined();
    expect(text(result)).toMatch(/^HTTP 401 Unauthorized/);
    expect(text(result)).toContain(
      `[Credentials not sent: the headers configured for api.example.test:${upstream.port} (authorization) go only over https`,
    );
    expect(text(result)).not.toContain("hunter2");
  });

  it("says which of its own credential headers a redirect to another origin left behind", async () => {
    const { upstream, get } = await setup((req, res) => {
      if (req.url === "/old") res.writeHead(301, { location: `http://localhost:${upstream.port}/new` }).end();
      else res.writeHead(req.headers.authorization ? 200 : 401).end();
    });
    const result = await get({
      url: `${upstream.origin}/old`,
      headers: { Authorization: "Bearer t-1", Accept: "*/*" },
    });
    expect(upstream.seen.map((seen) => seen.headers.authorization)).toEqual(["Bearer t-1", undefined]);
    expect(text(result)).toMatch(/^HTTP 401 Unauthorized/);
    expect(text(result)).toContain(
      `[Not sent to http://localhost:${upstream.port}: the headers you gave (authorization), which a redirect to another origin does not carry on`,
    );
    const same = await get({ url: `http://localhost:${upstream.port}/new`, headers: { Authorization: "Bearer t-1" } });
    expect(text(same)).not.toContain("Not sent");
  });

  it("says its own Authorization was replaced by the configured one, and that a 401 refused the operator's", async () => {
    const { upstream, get } = await setup(
      (req, res) => res.writeHead(req.headers.authorization === "Bearer ok" ? 200 : 401).end(),
      {
        allowPrivate: true,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the credential syntax under test.
        credentials: { "127.0.0.1": { Authorization: "Bearer ${TEST_SECRET}" } },
        env: { TEST_SECRET: "hunter2-very-secret" },
      },
    );
    const result = await get({ url: upstream.origin, headers: { Authorization: "Bearer ok" } });
    expect(upstream.seen[0]?.headers.authorization).toBe("Bearer hunter2-very-secret");
    expect(text(result)).toMatch(/^HTTP 401 Unauthorized/);
    expect(text(result)).toContain(
      `[Not sent: your authorization header. This server sends its own configured authorization to 127.0.0.1:${upstream.port} in its place; leave it out.]`,
    );
    expect(text(result)).toContain(
      `[127.0.0.1:${upstream.port} answered 401 to the credentials this server is configured to send it (authorization).`,
    );
    expect(text(result)).not.toContain("hunter2");
  });

  it("asks for JSON first by default, and sends the call's own Accept, in any case, instead", async () => {
    const { upstream, get } = await setup((_req, res) => res.end("ok"));
    await get({ url: upstream.origin });
    await get({ url: upstream.origin, headers: { ACCEPT: "application/xml" } });
    expect(upstream.seen.map((seen) => seen.headers.accept)).toEqual([
      "application/json, text/html;q=0.9, text/plain;q=0.8, */*;q=0.5",
      "application/xml",
    ]);
  });

  it("sends a number or boolean header value as its text, as it does a param's", async () => {
    const { upstream, get } = await setup((_req, res) => res.end("ok"));
    const result = await get({ url: upstream.origin, headers: { "X-Page": 2, "X-Dry-Run": true }, params: { n: 3 } });
    expect(result.isError, text(result)).toBeFalsy();
    expect(upstream.seen[0]).toMatchObject({ url: "/?n=3", headers: { "x-page": "2", "x-dry-run": "true" } });
    const nested = await get({ url: upstream.origin, headers: { "X-Obj": { a: 1 } } });
    expect(text(nested)).toContain("headers.X-Obj: Invalid input: expected string, received object");
  });

  it("says a port that answers in something other than HTTP may want https or another port", async () => {
    const server = createTcpServer((socket) => socket.once("data", () => socket.end("SSH-2.0-OpenSSH_9.6\r\n")));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as { port: number };
    const mcp = await connect({ allowPrivate: true });
    cleanup.push(mcp.close);
    const result = await mcp.call("http_get", { url: `http://127.0.0.1:${port}/` });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(
      new RegExp(
        `^127\\.0\\.0\\.1:${port} sent an invalid HTTP response: .*; if that port serves https or another protocol`,
      ),
    );
  });

  it("keeps credentials out of error messages", async () => {
    const { get } = await setup(() => {}, {
      allowPrivate: true,
      timeoutMs: 200,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the credential syntax under test.
      credentials: { "*.invalid": { "X-Key": "${TEST_SECRET}" } },
      env: { TEST_SECRET: "hunter2-very-secret" },
    });
    const result = await get({ url: "http://bad host/hunter2-very-secret" });
    expect(result.isError).toBe(true);
    expect(text(result)).not.toContain("hunter2");
  });

  it("reuses one keep-alive connection across calls", async () => {
    const { upstream, get } = await setup((_req, res) => res.end("ok"));
    for (let i = 0; i < 4; i++) expect((await get({ url: `${upstream.origin}/${i}` })).isError).toBeFalsy();
    expect(upstream.seen).toHaveLength(4);
    expect(new Set(upstream.seen.map((s) => s.remotePort)).size).toBe(1);
    expect(upstream.connections).toBe(1);
  });

  it("returns what was read when the time limit cuts a stalled body off, marked truncated, not an error", async () => {
    const { upstream, get } = await setup(
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "content-length": "1000" });
        res.write("the first 41 bytes, then the upstream st.");
      },
      { allowPrivate: true, timeoutMs: 300 },
    );
    const result = await get({ url: upstream.origin });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      body: "the first 41 bytes, then the upstream st.",
      truncated: true,
      content_length: 1000,
    });
    expect(text(result)).toContain(
      "[body cut off by the 300 ms time limit, set by timeoutMs, after 41 bytes: the upstream was still sending; truncated, the rest was not read; the upstream's Content-Length is 1000 bytes; send a header like Range: bytes=41- for the rest]",
    );
  });

  it("returns what arrived of a body whose connection broke, marked incomplete, saying a GET may be sent again", async () => {
    const { upstream, get } = await setup((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"items": [1, 2, 3', () => res.socket?.destroy());
    });
    const result = await get({ url: upstream.origin });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      body: '{"items": [1, 2, 3',
      truncated: true,
      content_length: 1000,
    });
    expect(text(result)).toMatch(
      /\n\n\{"items": \[1, 2, 3\n\n\[body incomplete: the connection to 127\.0\.0\.1:\d+ broke after 18 bytes of it had arrived; truncated, the rest was not read; the upstream's Content-Length is 1000 bytes; send a header like Range: bytes=18- for the rest; calling again may work\]$/,
    );
  });

  it("shows an HTML page still streaming at the time limit as far as it was read, not as a conversion timeout", async () => {
    const { upstream, get } = await setup(
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.write("<html><body><h2>Feed</h2><ul><li>item 0</li>");
      },
      { allowPrivate: true, timeoutMs: 300 },
    );
    const result = await get({ url: upstream.origin });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ truncated: true });
    expect(text(result)).toContain("item 0");
    expect(text(result)).toContain("[body cut off by the 300 ms time limit");
    // The limit that cut the body has usually passed by the time it would be converted: then it is shown as read.
    if (text(result).includes("<li>")) {
      expect(text(result)).toContain(
        "[HTML shown unconverted: the 300 ms time limit, set by timeoutMs, passed before it could be converted to markdown]",
      );
    }
  });

  it("reports a malformed URL and a timeout as errors that say which and why", async () => {
    const { upstream, get } = await setup(() => {}, { allowPrivate: true, timeoutMs: 200 });
    const malformed = await get({ url: "htp:/nope" });
    expect(malformed.isError).toBe(true);
    expect(text(malformed)).toContain('unsupported scheme "htp:"');
    const timeout = await get({ url: upstream.origin });
    expect(timeout.isError).toBe(true);
    expect(text(timeout)).toMatch(
      /^timeout: GET 127\.0\.0\.1:\d+ did not finish within 200 ms \(waiting for response headers\)/,
    );
  });

  it("cuts a body at maxResponseBytes with a notice and pages within it", async () => {
    const { upstream, get } = await setup(
      (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(5000)),
      {
        allowPrivate: true,
        maxResponseBytes: 3000,
        maxLength: 2000,
      },
    );
    const first = await get({ url: upstream.origin });
    expect(text(first)).toContain(
      "[showing characters 0-2000 of the first 3000 read; call http_request with start_index=2000 for more]",
    );
    expect(text(first)).toContain("[body cut at the 3000-byte read limit, set by maxResponseBytes: truncated");
    expect(first.structuredContent).toMatchObject({ next_start_index: 2000, truncated: true });
  });

  it("discloses a body cut at the read limit: the upstream's length, never the cap, as the body's length", async () => {
    const size = 64 * 1024;
    const { upstream, get } = await setup(
      (_req, res) => res.writeHead(200, { "content-type": "text/plain", "content-length": size }).end("z".repeat(size)),
      { allowPrivate: true, maxResponseBytes: 4096, maxLength: 2000 },
    );
    const first = await get({ url: upstream.origin });
    const shown = text(first);
    expect(shown).not.toMatch(/of 4096\b/);
    expect(shown).toContain("of the first 4096 read");
    expect(shown).toContain(`the upstream's Content-Length is ${size} bytes`);
    expect(first.structuredContent).toMatchObject({ truncated: true, content_length: size, next_start_index: 2000 });
  });

  it("marks a whole body as not truncated", async () => {
    const { upstream, get } = await setup((_req, res) => res.end("complete"), { allowPrivate: true });
    const result = await get({ url: upstream.origin });
    expect(result.structuredContent).not.toHaveProperty("truncated");
    expect(text(result)).not.toContain("read limit");
  });

  it("refuses managed and malformed headers", async () => {
    const { upstream, get } = await setup((_req, res) => res.end("ok"));
    expect(text(await get({ url: upstream.origin, headers: { "Transfer-Encoding": "chunked" } }))).toContain(
      'header "Transfer-Encoding" is set by the client itself',
    );
    expect(text(await get({ url: upstream.origin, headers: { "X-A": "1\r\nX-Injected: 1" } }))).toContain(
      "contains a line break",
    );
    expect(upstream.seen).toHaveLength(0);
  });
});

describe("http_get over https to a plain-HTTP port", () => {
  it("says the port does not speak TLS and names the http:// URL to try, in one line", async () => {
    const { upstream, get } = await setup((_req, res) => res.end("plain"));
    const result = await get({ url: `https://127.0.0.1:${upstream.port}/x` });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(
      new RegExp(
        `^TLS error from 127\\.0\\.0\\.1:${upstream.port} \\(ERR_SSL_[A-Z_]+\\): this port does not speak TLS \\(it answered in plain HTTP\\?\\); try http://127\\.0\\.0\\.1:${upstream.port}/x$`,
      ),
    );
  });
});
