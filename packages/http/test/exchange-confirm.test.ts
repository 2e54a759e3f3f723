// --confirm destructive on the HTTP gateway: a DELETE asks the user first, naming the URL, through real clients of
// both generations; nothing reaches the upstream unless they accept. Stats count the refusals by cause.
import type { Logger } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Answerer, type ClientKind, connectClient, missingCapability } from "../../core/test/clients.js";
import { createHttpServerFactory, type HttpServerOptions } from "../src/server.js";
import { startUpstream, text } from "./helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close();
});

async function setup(
  kind: ClientKind,
  answer?: Answerer,
  options: HttpServerOptions = {},
  handle: Parameters<typeof startUpstream>[0] = (_req, res) => res.writeHead(204).end(),
) {
  const upstream = await startUpstream(handle);
  const factory = createHttpServerFactory({ allowPrivate: true, confirm: "destructive", ...options });
  const client = await connectClient(factory, kind, undefined, answer && { elicit: { answer } });
  cleanup.push(
    upstream.close,
    () => client.close(),
    () => factory.close(),
  );
  const call = (method: string, path = "/items/7") =>
    client.callTool({ name: "http_request", arguments: { method, url: `${upstream.origin}${path}` } });
  return { upstream, factory, client, call };
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

  it("refuses a call the client cannot be asked about: -32021 in 2026-07-28, an isError result in the 2025 era", async () => {
    if (kind === "modern") {
      const { upstream, factory, call } = await setup(kind);
      const { message, required } = await missingCapability(call("DELETE"));
      expect(required).toEqual({ elicitation: { form: {} } });
      expect(message).toMatch(
        /^Not done: this call needs the user's confirmation: the server runs with confirm: destructive, .* cannot be asked "Send DELETE http:\/\/127\.0\.0\.1:\d+\/items\/7\? The resource at that URL may be removed for good\."; nothing was changed/,
      );
      expect(upstream.seen).toEqual([]);
      expect(factory.stats.report().refusals).toEqual({ unconfirmable: 1 });
      return;
    }
    const { upstream, call } = await setup(kind);
    const result = await call("DELETE");
    expect(text(result)).toMatch(/needs the user's confirmation, as the server runs with confirm: destructive,/);
    expect(upstream.seen).toEqual([]);
  });

  it.each([
    ["a GET whose method-override header names DELETE", "GET", "delete"],
    ["a DELETE whose method-override header names GET: an API that does not read the header deletes", "DELETE", "GET"],
  ])("asks about %s, and sends nothing when declined", async (_, method, override) => {
    const questions: string[] = [];
    const { upstream, client } = await setup(kind, (message) => {
      questions.push(message);
      return { action: "decline" };
    });
    const result = await client.callTool({
      name: "http_request",
      arguments: { method, url: `${upstream.origin}/items/7`, headers: { "X-HTTP-Method-Override": override } },
    });
    expect(result.isError).toBe(true);
    expect(questions).toEqual([
      `Send DELETE ${upstream.origin}/items/7? The resource at that URL may be removed for good.`,
    ]);
    expect(upstream.seen).toEqual([]);
  });

  it("asks nothing for other methods", async () => {
    const { upstream, call } = await setup(kind);
    for (const method of ["GET", "PUT", "POST", "PATCH"]) expect(text(await call(method))).toBe("HTTP 204 No Content");
    expect(upstream.seen).toHaveLength(4);
  });
});

describe("a confirmed DELETE redirected", () => {
  const accept: Answerer = () => ({ action: "accept", content: { confirm: true } });

  it.each([301, 302, 307, 308])(
    "is not sent on to the new URL after a %i: the redirect is the answer, with a note to ask about that URL",
    async (status) => {
      const questions: string[] = [];
      const asked: Answerer = (message) => {
        questions.push(message);
        return { action: "accept", content: { confirm: true } };
      };
      const { upstream, call } = await setup("modern", asked, {}, (req, res) =>
        req.url === "/items/7" ? res.writeHead(status, { location: "/other/9" }).end() : res.writeHead(204).end(),
      );
      const answer = text(await call("DELETE"));
      expect(answer).toMatch(new RegExp(`^HTTP ${status} `));
      expect(answer).toContain(
        `[Not followed: ${upstream.origin}/items/7 redirected this DELETE to ${upstream.origin}/other/9, and the user confirmed it only for ${upstream.origin}/items/7. To send it there, call again with that URL; the user will be asked about it.]`,
      );
      expect(upstream.seen.map((s) => `${s.method} ${s.url}`)).toEqual(["DELETE /items/7"]);
      // Sent there only when asked for, and asked about.
      expect(text(await call("DELETE", "/other/9"))).toBe("HTTP 204 No Content");
      expect(questions).toHaveLength(2);
      expect(questions[1]).toContain(`Send DELETE ${upstream.origin}/other/9?`);
    },
  );

  it("names a Location sent as raw UTF-8 as the URL it spells", async () => {
    const { upstream, call } = await setup("modern", accept, {}, (_req, res) =>
      res.writeHead(308, { location: Buffer.from("/café").toString("latin1") }).end(),
    );
    expect(text(await call("DELETE"))).toContain(`redirected this DELETE to ${upstream.origin}/caf%C3%A9,`);
  });

  it("follows a 303, which turns it into a GET of the new URL", async () => {
    const { upstream, call } = await setup("modern", accept, {}, (req, res) =>
      req.url === "/items/7" ? res.writeHead(303, { location: "/done" }).end() : res.writeHead(204).end(),
    );
    expect(text(await call("DELETE"))).toBe(
      `HTTP 204 No Content\nurl: ${upstream.origin}/done (after 1 redirect)\n\n[${upstream.origin}/items/7 answered this DELETE with 303 See Other; what is shown is the GET of ${upstream.origin}/done it pointed to.]`,
    );
    expect(upstream.seen.map((s) => `${s.method} ${s.url}`)).toEqual(["DELETE /items/7", "GET /done"]);
  });
});

describe("without --confirm", () => {
  it("sends a DELETE without asking (off by default)", async () => {
    const { upstream, call } = await setup("modern", undefined, { confirm: "never" });
    expect(text(await call("DELETE"))).toBe("HTTP 204 No Content");
    expect(upstream.seen).toHaveLength(1);
  });
});

describe("--confirm destructive with --read-only", () => {
  it("warns once as the server is built, and the DELETE it would ask about is refused as read-only", async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (line) => warnings.push(line), error() {} };
    const questions: string[] = [];
    const { upstream, factory, call } = await setup(
      "v2@2025-11-25",
      (message) => {
        questions.push(message);
        return { action: "accept", content: { confirm: true } };
      },
      { readOnly: true, logger },
    );
    factory();
    expect(warnings).toEqual([
      "confirm: destructive has no effect with readOnly: true: only a DELETE asks the user first, and a read-only server sends only GET and HEAD, so it is ignored",
    ]);
    const result = await call("DELETE");
    expect(text(result)).toMatch(/only GET and HEAD: this server is read-only/);
    expect(text(await call("GET"))).toBe("HTTP 204 No Content");
    expect(questions).toEqual([]);
    expect(upstream.seen.map((s) => s.method)).toEqual(["GET"]);
  });

  it("does not warn without read-only", async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (line) => warnings.push(line), error() {} };
    await setup("v2@2025-11-25", undefined, { logger });
    expect(warnings).toEqual([]);
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
