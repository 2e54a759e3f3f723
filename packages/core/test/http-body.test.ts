import { Agent, createServer, request as httpRequest, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BODY_DRAIN_BYTES, nestsDeeperThan, readJsonBody, tooLargeUpfront } from "../src/http-body.js";
import { MAX_HTTP_BODY_BYTES, MAX_JSON_DEPTH } from "../src/http-options.js";
import { bodyTooLarge, httpRefusals } from "../src/http-refusal.js";
import { serveHttp } from "../src/http-server.js";
import { serverFactory } from "../src/server-factory.js";
import { echoFactory, echoTools } from "./fixtures.js";
import { tooLargeMessage } from "./too-large.js";

/** A request body arriving in `chunks`, as node:http hands it over. */
const request = (...chunks: string[]) => Readable.from(chunks.map((chunk) => Buffer.from(chunk))) as IncomingMessage;

describe("readJsonBody", () => {
  it("parses a body however it is split, multi-byte characters included", async () => {
    const text = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { word: "é😀" } });
    const bytes = Buffer.from(text);
    const cut = bytes.indexOf(Buffer.from("😀")) + 2;
    const body = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]) as IncomingMessage;
    expect(await readJsonBody(body)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it("ignores a byte order mark before the JSON (Windows PowerShell's UTF-8 adds one), and only there", async () => {
    const text = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { w: "\uFEFF" } });
    expect(await readJsonBody(request(`\uFEFF${text}`))).toEqual({ ok: true, value: JSON.parse(text) });
    expect(await readJsonBody(request(`\uFEFF\uFEFF${text}`))).toMatchObject({ ok: false, refusal: { status: 400 } });
  });

  it.each([
    ["not JSON", request('{"jsonrpc": '), 400, "parse_error"],
    ["empty", request(), 400, "parse_error"],
    ["one byte over the limit", request("x".repeat(MAX_HTTP_BODY_BYTES), " "), 413, "body_too_large"],
    [
      "over the limit and what is drained",
      request("x".repeat(MAX_HTTP_BODY_BYTES + BODY_DRAIN_BYTES), " "),
      413,
      "body_too_large",
    ],
  ])("refuses a body that is %s", async (_, body, status, cause) => {
    expect(await readJsonBody(body)).toMatchObject({ ok: false, refusal: { status, cause } });
  });

  it.each([
    ["a Latin-1 byte", Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"w":"caf\xe9"}}', "latin1")],
    [
      "a character cut short",
      Buffer.concat([Buffer.from('{"w":"'), Buffer.from("😀").subarray(0, 3), Buffer.from('"}')]),
    ],
  ])("refuses a body that is not UTF-8 (%s), which decoding would quietly change", async (_, bytes) => {
    const refused = await readJsonBody(Readable.from([bytes]) as IncomingMessage);
    expect(refused).toMatchObject({ ok: false, refusal: { status: 400, cause: "parse_error", code: -32700 } });
    expect(refused.ok || refused.refusal.reason).toMatch(/^body is not valid UTF-8/);
  });

  it("says how to send less in the server's own words, and in none when it has none", async () => {
    const over = () => request("x".repeat(MAX_HTTP_BODY_BYTES), " ");
    const plain = await readJsonBody(over());
    const advised = await readJsonBody(over(), "fewer rows per call");
    expect(plain).toMatchObject({ ok: false, refusal: { reason: bodyTooLarge() } });
    expect(bodyTooLarge()).toBe(
      "Request body over 4 MiB, the most this server takes over HTTP; send less per request, or run the server over stdio, which takes messages of up to 32 MiB",
    );
    expect(advised).toMatchObject({
      ok: false,
      refusal: { reason: expect.stringContaining("send less per request (fewer rows per call), or run the server") },
    });
  });

  it("refuses a body nested deeper than MAX_JSON_DEPTH, and takes one exactly that deep", async () => {
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    expect(await readJsonBody(request(nested(MAX_JSON_DEPTH)))).toMatchObject({ ok: true });
    expect(await readJsonBody(request(nested(MAX_JSON_DEPTH + 1)))).toMatchObject({
      ok: false,
      refusal: {
        status: 400,
        cause: "too_deep",
        reason: expect.stringContaining(`more than ${MAX_JSON_DEPTH} levels`),
      },
    });
  });

  it("rejects when the body breaks off (the client went away), or ends in an error, instead of waiting forever", async () => {
    const cut = new Readable({ read() {} }) as IncomingMessage;
    cut.push(Buffer.from('{"jsonrpc":"2.0",'));
    setImmediate(() => cut.destroy());
    await expect(readJsonBody(cut)).rejects.toThrow("the request closed before its body ended");
    const failing = new Readable({ read() {} }) as IncomingMessage;
    setImmediate(() => failing.destroy(new Error("aborted")));
    await expect(readJsonBody(failing)).rejects.toThrow("aborted");
  });

  it("rejects for a request whose client went away before the body was read (while it was authenticated), not waiting forever", async () => {
    const read = new Promise<unknown>((settled) => {
      const server = createServer((req) => {
        // As an OAuth token is checked: the client leaves meanwhile, and only then is the body read.
        req.once("close", () => {
          server.close();
          readJsonBody(req).then(settled, (error: Error) => settled(error.message));
        });
      });
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        const client = connect(port, "127.0.0.1", () => {
          client.write("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{");
          setImmediate(() => client.destroy());
        });
      });
    });
    expect(await read).toBe("the request closed before its body ended");
  });

  it("reads a body already read to its end as empty (a parse error), not waiting for an end that came before", async () => {
    const done = request("{}");
    for await (const _ of done) {
      // read to the end, as a middleware would
    }
    expect(await readJsonBody(done)).toEqual({ ok: false, refusal: httpRefusals.parseError() });
  });

  it("reads the body of a request someone paused (req.pause()), not waiting for data that would never flow", async () => {
    const server = createServer((req, res) => {
      req.pause();
      // Once the body has come in, and waits in the paused request.
      setImmediate(
        () =>
          void readJsonBody(req).then(
            (read) => res.end(JSON.stringify(read)),
            () => res.destroy(),
          ),
      );
    });
    await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
    try {
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/mcp`, {
        method: "POST",
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(await response.json()).toEqual({ ok: true, value: { jsonrpc: "2.0", id: 1, method: "ping" } });
    } finally {
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
    }
  });

  it("takes a body of exactly the limit", async () => {
    const text = `"${"x".repeat(MAX_HTTP_BODY_BYTES - 2)}"`;
    expect(await readJsonBody(request(text))).toMatchObject({ ok: true });
  });
});

describe("tooLargeUpfront", () => {
  const headed = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  const over = String(MAX_HTTP_BODY_BYTES + 1);
  const pastDrain = String(MAX_HTTP_BODY_BYTES + BODY_DRAIN_BYTES + 1);
  it.each([
    ["no Content-Length (chunked)", {}, false],
    ["one at the limit", { "content-length": String(MAX_HTTP_BODY_BYTES) }, false],
    ["one over the limit, read and drained for the 413", { "content-length": over }, false],
    ["one over what is drained", { "content-length": pastDrain }, true],
    ["one over the limit that waits for a 100 Continue", { "content-length": over, expect: "100-continue" }, true],
    [
      "one at the limit that waits for a 100 Continue",
      { "content-length": String(MAX_HTTP_BODY_BYTES), expect: "100-Continue" },
      false,
    ],
  ])("refuses before reading a body of %s: %s", (_, headers, refused) => {
    const refusal = tooLargeUpfront(headed(headers), "fewer rows");
    expect(refusal).toEqual(refused ? { ...httpRefusals.bodyTooLarge("fewer rows"), unread: true } : undefined);
  });
});

describe("nestsDeeperThan", () => {
  it.each([
    ["flat", '{"a":1,"b":[1,2]}', 2, false],
    ["one over", '{"a":[[1]]}', 2, true],
    ["siblings do not add up", '[[1],[2],{"a":3}]', 2, false],
    ["brackets inside strings", '{"a":"[[[[{{{{"}', 1, false],
    ["an escaped quote inside a string", '{"a":"\\"[[[["}', 1, false],
    ["an escaped backslash before the closing quote", '["\\\\",[[1]]]', 2, true],
    ["a scalar", "42", 0, false],
  ])("%s", (_, text, max, deeper) => {
    expect(nestsDeeperThan(JSON.parse(text), max)).toBe(deeper);
  });
});

describe("a body nested thousands deep, sent to a real server", () => {
  it("is refused with 400 saying why, where it was answered 500 (the stack overflowed), and the server serves on", async () => {
    const TOKEN = "a-long-enough-shared-token-for-tests-0123456789";
    const endpoint = await serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN });
    const post = (body: string) =>
      fetch(endpoint.url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body,
      });
    try {
      const deep = 100_000;
      const args = `{"text":"x","extra":${"[".repeat(deep)}${"]".repeat(deep)}}`;
      const refused = await post(
        `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":${args}}}`,
      );
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
        `Invalid Request: the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; no MCP message needs that many`,
      );
      const ping = await post(JSON.stringify({ jsonrpc: "2.0", id: 8, method: "ping" }));
      expect(ping.status).toBe(200);
      await ping.text();
    } finally {
      await endpoint.close();
    }
  });
});

describe("a body over the limit, sent to a real server", () => {
  /** POST `size` bytes on `agent`; the status, the body, and whether the request went on a connection used before. */
  const post = (url: URL, agent: Agent, size: number) =>
    new Promise<{ status: number; body: string; reused: boolean }>((resolve, reject) => {
      const req = httpRequest(url, {
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket }));
      });
      req.on("error", reject);
      req.end(size > 0 ? "x".repeat(size) : JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }));
    });
  const TOKEN = "a-long-enough-shared-token-for-tests-0123456789";

  it("gets the 413 that says what to do, and the connection ends cleanly: a proxy can send the next call on it", async () => {
    const endpoint = await serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await post(endpoint.url, agent, MAX_HTTP_BODY_BYTES + 512 * 1024);
      expect(refused.status).toBe(413);
      expect(refused.body).toContain(bodyTooLarge());
      const next = await post(endpoint.url, agent, 0);
      expect(next).toMatchObject({ status: 200, reused: true });
    } finally {
      agent.destroy();
      await endpoint.close();
    }
  });

  it.each([
    ["declares more than is drained", MAX_HTTP_BODY_BYTES + BODY_DRAIN_BYTES + 1, {}],
    [
      "is chunked past what is drained",
      MAX_HTTP_BODY_BYTES + BODY_DRAIN_BYTES + 1024,
      { "transfer-encoding": "chunked" },
    ],
  ])("gets the 413, not a 500, when it %s, and the server serves on", async (_, size, headers) => {
    // Reading stopped by destroying the request, which dropped its socket: the refusal then read the socket's address
    // of null and the client got 500 Internal error.
    const endpoint = await serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN });
    try {
      let answered = false;
      const refused = await new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
        const req = httpRequest(endpoint.url, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
        });
        req.on("response", (res) => {
          answered = true;
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
        });
        req.on("error", reject);
        // Sent in parts, each awaited, so the answer can arrive before the client has written it all.
        const part = Buffer.alloc(256 * 1024, 0x78);
        if (!("transfer-encoding" in headers)) req.setHeader("content-length", size);
        (async () => {
          for (let sent = 0; sent < size && !req.destroyed; sent += part.length) {
            const piece = part.subarray(0, Math.min(part.length, size - sent));
            if (!req.write(piece)) await new Promise((done) => req.once("drain", done).once("close", done));
            if (answered) break;
          }
          req.end();
        })().catch(reject);
      });
      expect(refused.status).toBe(413);
      expect(refused.body).toContain(bodyTooLarge());
      expect((await post(endpoint.url, new Agent(), 0)).status).toBe(200);
    } finally {
      await endpoint.close();
    }
  });

  it("refused by its Content-Length, has the rest of its body read and dropped: the connection takes the next call", async () => {
    // Sent whole, head and body and the next request at once, as a proxy that buffered the body would (Node's own
    // client does not reuse a connection answered before it finished writing).
    const endpoint = await serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN });
    try {
      const size = MAX_HTTP_BODY_BYTES + BODY_DRAIN_BYTES + 1024 * 1024;
      const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
      const head = (length: number) =>
        `POST ${endpoint.url.pathname} HTTP/1.1\r\nHost: ${endpoint.url.host}\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        `Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${length}\r\n\r\n`;
      const text = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(endpoint.url.port), endpoint.url.hostname);
        let got = "";
        socket.on("data", (chunk: Buffer) => {
          got += chunk.toString("utf8");
          if (got.split("\r\n0\r\n\r\n").length === 3) socket.end();
        });
        socket.on("error", reject);
        socket.on("close", () => resolve(got));
        socket.write(head(size));
        socket.write(Buffer.alloc(size, 0x78));
        socket.write(`${head(ping.length)}${ping}`);
      });
      expect(text.match(/^HTTP\/1\.1 \d+/gm)).toEqual(["HTTP/1.1 413", "HTTP/1.1 200"]);
      expect(text).toContain(bodyTooLarge());
    } finally {
      await endpoint.close();
    }
  });

  it("adds the advice of the server's blueprint to the 413", async () => {
    const factory = serverFactory({
      info: { name: "echo", version: "1.0.0" },
      tools: echoTools(),
      largeRequestAdvice: "echo shorter words",
    });
    expect(await tooLargeMessage(factory)).toBe(bodyTooLarge("echo shorter words"));
  });
});
