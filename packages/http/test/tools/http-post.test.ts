import { afterEach, describe, expect, it } from "vitest";
import { connect, startUpstream, text } from "../helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function setup(readOnly = false) {
  const upstream = await startUpstream((req, res, body) =>
    res
      .writeHead(201, { "content-type": "application/json" })
      .end(JSON.stringify({ type: req.headers["content-type"], body })),
  );
  const mcp = await connect({ allowPrivate: true, readOnly });
  cleanup.push(upstream.close, mcp.close);
  return { upstream, post: (args: Record<string, unknown>) => mcp.call("http_post", args) };
}

describe("http_post", () => {
  it("sends a JSON value as application/json", async () => {
    const { upstream, post } = await setup();
    const result = await post({ url: `${upstream.origin}/items`, body: { name: "a", n: 1 } });
    expect(result.isError).toBeFalsy();
    expect(upstream.seen[0]).toMatchObject({ method: "POST", url: "/items", body: '{"name":"a","n":1}' });
    expect(upstream.seen[0]?.headers["content-type"]).toBe("application/json");
    expect(text(result)).toMatch(/^HTTP 201 Created\n/);
  });

  it("returns what arrived of a reply whose connection broke, saying the POST was acted on", async () => {
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(201, { "content-type": "application/json" });
      res.write('{"id": 7, "na', () => res.socket?.destroy());
    });
    const mcp = await connect({ allowPrivate: true });
    cleanup.push(upstream.close, mcp.close);
    const result = await mcp.call("http_post", { url: upstream.origin, body: { name: "a" } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: 201, body: '{"id": 7, "na', truncated: true });
    expect(text(result)).toMatch(
      /\[body incomplete: the connection to 127\.0\.0\.1:\d+ broke after 13 bytes of it had arrived; truncated, the rest was not read; its full length is unknown \(no Content-Length\); the POST was answered before the connection broke, so it was acted on: check its effect \(GET what it would change\) before sending it again\]$/,
    );
  });

  it("sends a string verbatim, typed by what it contains, and honours a given content-type", async () => {
    const { upstream, post } = await setup();
    await post({ url: upstream.origin, body: '{"already":"json"}' });
    await post({
      url: upstream.origin,
      body: "a=1&b=2",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    await post({ url: upstream.origin, body: "plain words" });
    expect(upstream.seen.map((s) => [s.body, s.headers["content-type"]])).toEqual([
      ['{"already":"json"}', "application/json"],
      ["a=1&b=2", "application/x-www-form-urlencoded"],
      ["plain words", "text/plain; charset=utf-8"],
    ]);
  });

  it("encodes an object under multipart/form-data as parts with a boundary, which a real parser reads", async () => {
    const { upstream, post } = await setup();
    const fields = { title: 'Café "menu"', n: 2, tag: ["a", "b--c"], 'we"ird': "x\r\ny" };
    const result = await post({
      url: upstream.origin,
      body: fields,
      headers: { "Content-Type": "multipart/form-data" },
    });
    expect(result.isError, text(result)).toBeFalsy();
    const seen = upstream.seen[0];
    const type = String(seen?.headers["content-type"]);
    expect(type).toMatch(/^multipart\/form-data; boundary=\S+$/);
    // undici's multipart parser, as an upstream would read the body.
    const form = await new Request(upstream.origin, {
      method: "POST",
      headers: { "content-type": type },
      body: seen?.body,
    }).formData();
    expect([...form.entries()]).toEqual([
      ["title", 'Café "menu"'],
      ["n", "2"],
      ["tag", "a"],
      ["tag", "b--c"],
      ['we"ird', "x\r\ny"],
    ]);
  });

  it("refuses multipart text whose Content-Type names no boundary, sending nothing", async () => {
    const { upstream, post } = await setup();
    const result = await post({
      url: upstream.origin,
      body: "a=1",
      headers: { "Content-Type": "multipart/form-data" },
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(
      'a multipart/form-data body is cut into parts at the boundary its Content-Type names, and "multipart/form-data" names none; nothing was sent. Give the body as an object of fields',
    );
    expect(upstream.seen).toEqual([]);
  });

  it("refuses multipart text that never uses the boundary its Content-Type names, and sends text that does", async () => {
    // It was sent as is, and the upstream's parser found no parts in it.
    const { upstream, post } = await setup();
    const headers = { "Content-Type": "multipart/form-data; boundary=X" };
    const refused = await post({ url: upstream.origin, body: "name=alice&age=3", headers });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain(
      'and this text never holds "--X", so the upstream would find no parts in it; nothing was sent. Start each part with a line --X',
    );
    expect(upstream.seen).toEqual([]);
    const body = '--X\r\nContent-Disposition: form-data; name="name"\r\n\r\nalice\r\n--X--\r\n';
    const sent = await post({ url: upstream.origin, body, headers });
    expect(sent.isError, text(sent)).toBeFalsy();
    const form = await new Request(upstream.origin, {
      method: "POST",
      headers: { "content-type": String(upstream.seen[0]?.headers["content-type"]) },
      body: upstream.seen[0]?.body,
    }).formData();
    expect([...form.entries()]).toEqual([["name", "alice"]]);
  });

  it("refuses multipart text with LF line breaks or no closing line, which a strict parser rejects, sending nothing", async () => {
    // Both were sent as is, and undici's parser answered 400 with no word of why.
    const { upstream, post } = await setup();
    const headers = { "Content-Type": "multipart/form-data; boundary=X" };
    const crlf = '--X\r\nContent-Disposition: form-data; name="name"\r\n\r\nalice\r\n--X--\r\n';
    const lf = await post({ url: upstream.origin, body: crlf.replaceAll("\r\n", "\n"), headers });
    expect(lf.isError).toBe(true);
    expect(text(lf)).toContain(
      `the multipart body's line 1 ("--X") ends in a bare LF, but multipart lines end in CRLF (RFC 2046)`,
    );
    const open = await post({ url: upstream.origin, body: crlf.slice(0, -9), headers });
    expect(open.isError).toBe(true);
    expect(text(open)).toContain("the multipart body never closes: after its part no line --X-- ends it");
    expect(upstream.seen).toEqual([]);
    expect((await post({ url: upstream.origin, body: crlf, headers })).isError).toBeFalsy();
    expect(upstream.seen.map((seen) => seen.body)).toEqual([crlf]);
  });

  it("checks multipart/mixed and other multipart text by RFC 2046 too: a boundary, CRLF lines, a closing line", async () => {
    const { upstream, post } = await setup();
    const mixed = "--X\r\nContent-Type: application/json\r\n\r\n{}\r\n--X--\r\n";
    const call = (body: unknown, type: string) =>
      post({ url: upstream.origin, body, headers: { "Content-Type": type } });
    expect(text(await call(mixed, "multipart/related"))).toContain(
      'a multipart/related body is cut into parts at the boundary its Content-Type names, and "multipart/related" names none; nothing was sent. Name the boundary your text uses',
    );
    expect(text(await call(mixed, "multipart/mixed; boundary=a\\b"))).toContain("cannot delimit multipart parts");
    expect(text(await call(mixed.replaceAll("\r\n", "\n"), "multipart/mixed; boundary=X"))).toContain(
      'line 1 ("--X") ends in a bare LF',
    );
    expect(text(await call({ a: "1" }, "multipart/mixed; boundary=X"))).toContain(
      "a multipart/mixed body is text whose parts are written out under the boundary its Content-Type names, and this one is JSON (an object)",
    );
    expect(upstream.seen).toEqual([]);
    const sent = await call(mixed, "multipart/mixed; boundary=X");
    expect(sent.isError, text(sent)).toBeFalsy();
    expect(upstream.seen.map((seen) => [seen.headers["content-type"], seen.body])).toEqual([
      ["multipart/mixed; boundary=X", mixed],
    ]);
  });

  it("sends a string as UTF-8 and says so in a text Content-Type, keeping a charset the call gave", async () => {
    const { upstream, post } = await setup();
    // The upstream echoes the Content-Type it got, and the body as it decodes it from UTF-8.
    const echoed = async (args: Record<string, unknown>) =>
      JSON.parse(((await post({ url: upstream.origin, ...args })).structuredContent as { body: string }).body);
    expect(await echoed({ body: "café €" })).toEqual({ type: "text/plain; charset=utf-8", body: "café €" });
    expect(await echoed({ body: "a,b\né,2", headers: { "Content-Type": "text/csv" } })).toEqual({
      type: "text/csv; charset=utf-8",
      body: "a,b\né,2",
    });
    expect(await echoed({ body: "<a>é</a>", headers: { "content-type": "application/xml" } })).toEqual({
      type: "application/xml; charset=utf-8",
      body: "<a>é</a>",
    });
    expect(await echoed({ body: "x", headers: { "content-type": "text/plain; charset=ISO-8859-1" } })).toEqual({
      type: "text/plain; charset=ISO-8859-1",
      body: "x",
    });
    expect(await echoed({ body: { a: "é" } })).toEqual({ type: "application/json", body: '{"a":"é"}' });
  });

  it("says a missing body is missing, and that null sends none, sending nothing", async () => {
    const { upstream, post } = await setup();
    const result = await post({ url: `${upstream.origin}/items` });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe(
      "Input validation error: Invalid arguments for tool http_post: body: required, and missing: give the JSON to send, or null to send no body",
    );
    expect(upstream.seen).toHaveLength(0);
  });

  it("is not listed in read-only mode, and calling it fails without sending", async () => {
    const { upstream, post } = await setup(true);
    // It names what the server offers instead, in read-only mode its GETs.
    await expect(post({ url: upstream.origin, body: {} })).rejects.toThrow(
      /Tool http_post not found; the tools offered here are http_get, /,
    );
    expect(upstream.seen).toHaveLength(0);
  });

  it.each([
    [
      301,
      "[Redirected: {o}/items answered this POST with 301, and the redirect was followed as a GET without the body, as browsers and curl -L do: the body was not sent to {o}/items/, so the POST may not have taken effect. To send it there, call that URL with the POST itself.]",
    ],
    [303, "[{o}/items answered this POST with 303 See Other; what is shown is the GET of {o}/items/ it pointed to.]"],
  ])("says when a %i turned the POST into a GET, so a listing is not taken for success", async (status, note) => {
    const upstream = await startUpstream((req, res) =>
      req.method === "POST" ? res.writeHead(status, { location: "/items/" }).end() : res.end("[]"),
    );
    const mcp = await connect({ allowPrivate: true });
    cleanup.push(upstream.close, mcp.close);
    const result = await mcp.call("http_post", { url: `${upstream.origin}/items`, body: { name: "a" } });
    expect(upstream.seen.map((seen) => `${seen.method} ${seen.url} ${seen.body}`)).toEqual([
      'POST /items {"name":"a"}',
      "GET /items/ ",
    ]);
    expect(text(result).endsWith(note.replaceAll("{o}", upstream.origin)), text(result)).toBe(true);
  });

  it("quotes at most 2,000 characters of a very long URL a POST was redirected to in the note on it", async () => {
    // The note wrote the whole URL out: a 302 to a 15,000-character query made a 15,304-character note.
    const query = "q".repeat(15000);
    const upstream = await startUpstream((req, res) =>
      req.method === "POST" ? res.writeHead(302, { location: `/items/?q=${query}` }).end() : res.end("[]"),
    );
    const mcp = await connect({ allowPrivate: true });
    cleanup.push(upstream.close, mcp.close);
    const result = await mcp.call("http_post", { url: `${upstream.origin}/items`, body: { name: "a" } });
    const to = `${upstream.origin}/items/?q=${query}`;
    expect(text(result).length).toBeLessThan(7000);
    expect(text(result)).toContain(
      `the body was not sent to ${to.slice(0, 2000)}… (a URL of ${to.length} characters, cut here), so the POST may not have taken effect`,
    );
    expect(upstream.seen[1]?.url).toBe(`/items/?q=${query}`);
  });

  it("never retries a POST answered 503", async () => {
    const upstream = await startUpstream((_req, res) => res.writeHead(503, { "retry-after": "0" }).end("busy"));
    const mcp = await connect({ allowPrivate: true });
    cleanup.push(upstream.close, mcp.close);
    const result = await mcp.call("http_post", { url: upstream.origin, body: { x: 1 } });
    expect(text(result)).toMatch(/^HTTP 503 Service Unavailable\nretry-after: 0/);
    expect(upstream.seen).toHaveLength(1);
  });

  it("retries a POST carrying an Idempotency-Key, which the API answers as the first, and says a keyless one is not", async () => {
    // A rate limit that lets a key through on its second try, as an idempotency-aware API would answer the repeat.
    const upstream = await startUpstream((req, res) => {
      const tries = upstream.seen.filter((seen) => seen.headers["idempotency-key"] === req.headers["idempotency-key"]);
      if (req.headers["idempotency-key"] && tries.length > 1) res.writeHead(201).end("created once");
      else res.writeHead(429, { "retry-after": "0" }).end("slow down");
    });
    const mcp = await connect({ allowPrivate: true });
    cleanup.push(upstream.close, mcp.close);
    const keyed = await mcp.call("http_post", {
      url: upstream.origin,
      body: { x: 1 },
      headers: { "Idempotency-Key": "order-42" },
    });
    expect(text(keyed)).toMatch(/^HTTP 201 Created\nretried: 1\n/);
    expect(upstream.seen.map((seen) => seen.headers["idempotency-key"])).toEqual(["order-42", "order-42"]);
    expect(upstream.seen.map((seen) => seen.body)).toEqual(['{"x":1}', '{"x":1}']);
    const keyless = text(await mcp.call("http_post", { url: upstream.origin, body: { x: 2 } }));
    expect(keyless).toContain(
      "[Not retried: a POST is never resent for you, as it may act twice (unless it carries an Idempotency-Key header, for an API that takes one).",
    );
    expect(upstream.seen).toHaveLength(3);
  });

  it("tells a keyed POST whose connection broke unanswered that the same key makes sending it again safe", async () => {
    const upstream = await startUpstream((req) => req.socket.destroy());
    const mcp = await connect({ allowPrivate: true });
    cleanup.push(upstream.close, mcp.close);
    const keyed = await mcp.call("http_post", {
      url: upstream.origin,
      body: { x: 1 },
      headers: { "Idempotency-Key": "k7" },
    });
    expect(keyed.isError).toBe(true);
    expect(text(keyed)).toContain(
      "the POST may have been acted on before the connection broke: send it again with the same Idempotency-Key",
    );
    const keyless = await mcp.call("http_post", { url: upstream.origin, body: { x: 1 } });
    expect(text(keyless)).toContain(
      "the POST may have been acted on before the connection broke: check its effect (GET what it would change)",
    );
  });
});
