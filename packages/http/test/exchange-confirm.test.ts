// --confirm destructive on the HTTP gateway: a DELETE asks the user first, naming the URL, through real clients of
// both generations; nothing reaches the upstream unless they accept. Stats count the refusals by cause.
import { afterEach, describe, expect, it } from "vitest";
import { type Answerer, type ClientKind, connectClient } from "../../core/test/clients.js";
import { createHttpServerFactory, type HttpServerOptions } from "../src/server.js";
import { startUpstream, text } from "./helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close();
});

async function setup(kind: ClientKind, answer?: Answerer, options: HttpServerOptions = {}) {
  const upstream = await startUpstream((_req, res) => res.writeHead(204).end());
  const factory = createHttpServerFactory({ allowPrivate: true, confirm: "destructive", ...options });
  const client = await connectClient(factory, kind, undefined, answer && { elicit: { answer } });
  cleanup.push(
    upstream.close,
    () => client.close(),
    () => factory.close(),
  );
  const call = (method: string, path = "/items/7") =>
    client.callTool({ name: "http_request", arguments: { method, url: `${upstream.origin}${path}` } });
  return { upstream, factory, call };
}

describe.each<ClientKind>(["modern", "v2@2025-11-25", "v1@2025-06-18"])("a DELETE with a %s client", (kind) => {
  it("asks, naming the URL, and sends it once the user accepts", async () => {
    const questions: string[] = [];
    const { upstream, call } = await setup(kind, (message) => {
      questions.push(message);
      return { action: "accept", content: { confirm: true } };
    });
    expect(text(await call("DELETE"))).toBe("HTTP 204 No Content");
    expect(questions).toEqual([
      `Send DELETE ${upstream.origin}/items/7? The resource at that URL may be removed for good.`,
    ]);
    expect(upstream.seen.map((s) => `${s.method} ${s.url}`)).toEqual(["DELETE /items/7"]);
  });

  it.each(["decline", "cancel"] as const)("sends nothing when the user answers %s", async (action) => {
    const { upstream, factory, call } = await setup(kind, () => ({ action }));
    const result = await call("DELETE");
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(
      /Not done: the user (declined|dismissed the question about) DELETE http:\/\/127\.0\.0\.1/,
    );
    expect(upstream.seen).toEqual([]);
    expect(factory.stats.report().refusals).toEqual({ declined: 1 });
  });

  it("refuses, naming the setting, when the client cannot ask", async () => {
    const { upstream, call } = await setup(kind);
    const result = await call("DELETE");
    expect(text(result)).toMatch(/needs the user's confirmation, as the server runs with confirm: destructive,/);
    expect(upstream.seen).toEqual([]);
  });

  it("asks nothing for other methods", async () => {
    const { upstream, call } = await setup(kind);
    for (const method of ["GET", "PUT", "POST", "PATCH"]) expect(text(await call(method))).toBe("HTTP 204 No Content");
    expect(upstream.seen).toHaveLength(4);
  });
});

describe("without --confirm", () => {
  it("sends a DELETE without asking (off by default)", async () => {
    const { upstream, call } = await setup("modern", undefined, { confirm: "never" });
    expect(text(await call("DELETE"))).toBe("HTTP 204 No Content");
    expect(upstream.seen).toHaveLength(1);
  });
});

describe("refusals in the stats resource", () => {
  it("counts address-policy refusals by cause; a method read-only mode does not offer is a bad argument, not a refusal", async () => {
    const factory = createHttpServerFactory({ readOnly: true, allowHosts: ["api.example.com"] });
    const client = await connectClient(factory, "modern");
    cleanup.push(
      () => client.close(),
      () => factory.close(),
    );
    await client.callTool({ name: "http_request", arguments: { method: "DELETE", url: "https://api.example.com/x" } });
    await client.callTool({ name: "http_get", arguments: { url: "https://elsewhere.example.org/" } });
    await client.callTool({ name: "http_get", arguments: { url: "http://127.0.0.1:9/" } });
    const read = await client.readResource({ uri: "mcp-http://stats" });
    const report = JSON.parse((read.contents[0] as { text: string }).text);
    expect(report.refusals).toEqual({ address_policy: 2 });
    expect(report.tools).toMatchObject({ http_get: { calls: 2, errors: 2 }, http_request: { calls: 1, errors: 1 } });
  });
});

describe("timeouts in the stats resource", () => {
  it("counts a call whose upstream does not answer within timeoutMs as a timeout; an error status is no refusal", async () => {
    const upstream = await startUpstream((req, res) => {
      if (req.url === "/missing") res.writeHead(404).end("no");
      // Anything else never gets an answer.
    });
    const factory = createHttpServerFactory({ allowPrivate: true, timeoutMs: 200, maxRetries: 0 });
    const client = await connectClient(factory, "modern");
    cleanup.push(
      upstream.close,
      () => client.close(),
      () => factory.close(),
    );
    const slow = await client.callTool({ name: "http_get", arguments: { url: `${upstream.origin}/slow` } });
    expect(text(slow)).toMatch(/^timeout: GET 127\.0\.0\.1:\d+ did not finish within 200 ms/);
    await client.callTool({ name: "http_get", arguments: { url: `${upstream.origin}/missing` } });
    const read = await client.readResource({ uri: "mcp-http://stats" });
    const report = JSON.parse((read.contents[0] as { text: string }).text);
    expect(report.refusals).toEqual({ timeout: 1 });
    expect(report.tools).toMatchObject({ http_get: { calls: 2 } });
  });
});
