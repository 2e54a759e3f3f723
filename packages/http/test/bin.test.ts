import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTOCOL_MATRIX, STARTS, TRANSPORTS, useServers } from "../../core/test/built-server.js";
import { expectedVersion } from "../../core/test/clients.js";
import { startUpstream, text, type Upstream } from "./helpers.js";

// The product as shipped: dist/cli.cjs (what Claude Desktop runs) and dist/snapshot.blob (how the agent starts it),
// in every mode, with every tool once. Settings and the shared keep-alive pool are in cli.test.ts. The only server
// any of them reaches is the upstream below, on 127.0.0.1, which the allow-list names.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream((req, res, body) => {
    res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify({ answered: `${req.method} ${req.url}`, received: body }));
  });
});
afterAll(() => upstream.close());

const start = useServers(DIST);
/** Loopback is refused unless allowed; the allow-list then narrows it to the upstream alone. */
const allowUpstream = () => ["--allow-private", "--allow-hosts", `127.0.0.1:${upstream.port}`];
/** What the upstream saw since `from`: method, URL and body. */
const seenSince = (from: number) => upstream.seen.slice(from).map(({ method, url, body }) => ({ method, url, body }));

describe.each(STARTS)("mcp-http as shipped, started from its %s", (how) => {
  it.each(TRANSPORTS)("over %s runs every tool once, each reaching the local upstream", async (transport) => {
    const server = await start(how, transport, allowUpstream());
    expect(await server.toolNames()).toEqual(["http_get", "http_post", "http_request"]);
    const from = upstream.seen.length;
    const call = async (name: string, args: Record<string, unknown>) => {
      const result = await server.call(name, args);
      expect(result.isError, text(result)).toBeFalsy();
      return text(result);
    };

    expect(await call("http_get", { url: `${upstream.origin}/books`, params: { q: "dune" } })).toContain(
      '"answered": "GET /books?q=dune"',
    );
    expect(await call("http_post", { url: `${upstream.origin}/books`, body: { title: "Emma" } })).toMatch(
      /201[\s\S]*"received": "\{\\"title\\":\\"Emma\\"\}"/,
    );
    expect(await call("http_request", { method: "DELETE", url: `${upstream.origin}/books/1` })).toContain(
      '"answered": "DELETE /books/1"',
    );
    expect(seenSince(from)).toEqual([
      { method: "GET", url: "/books?q=dune", body: "" },
      { method: "POST", url: "/books", body: '{"title":"Emma"}' },
      { method: "DELETE", url: "/books/1", body: "" },
    ]);
  });

  it("with --read-only lists no http_post, and http_request sends no POST", async () => {
    const server = await start(how, "stdio", [...allowUpstream(), "--read-only"]);
    expect(await server.toolNames()).toEqual(["http_get", "http_request"]);
    const from = upstream.seen.length;
    const post = await server.call("http_request", { method: "POST", url: `${upstream.origin}/books`, body: "x" });
    expect(post.isError, text(post)).toBe(true);
    expect(text(post)).toContain("method: only GET and HEAD: this server is read-only, set by --read-only");
    expect(text(await server.call("http_get", { url: `${upstream.origin}/still-reads` }))).toContain(
      "GET /still-reads",
    );
    expect(seenSince(from)).toEqual([{ method: "GET", url: "/still-reads", body: "" }]);
  });

  it("over http refuses a request without its bearer token", async () => {
    const server = await start(how, "http", allowUpstream());
    const response = await fetch(server.url as URL, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
  });
});

describe("mcp-http as shipped, in its operator's terms", () => {
  it("a refusal names the bin's flag and variable, not a library option", async () => {
    const server = await start("bin", "stdio", []);
    const refused = await server.call("http_get", { url: `${upstream.origin}/x` });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain(
      "the server's operator can allow loopback alone with --allow-loopback (MCP_HTTP_ALLOW_LOOPBACK=1)",
    );
  });
});

describe("mcp-http as shipped, to every client", () => {
  it.each(PROTOCOL_MATRIX)("over %s a %s client gets its revision, lists and calls tools", async (transport, kind) => {
    const server = await start("bin", transport, allowUpstream(), {}, kind);
    expect(server.client.protocolVersion()).toBe(expectedVersion(kind));
    expect((await server.toolNames()).sort()).toEqual(["http_get", "http_post", "http_request"]);
    const result = await server.call("http_get", { url: `${upstream.origin}/matrix` });
    expect(text(result)).toContain("GET /matrix");
  });
});
