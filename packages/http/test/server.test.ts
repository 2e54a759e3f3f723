import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { errorWith, typeErrorWith } from "../../core/test/matchers.js";
import { expectListedToolsComplete, expectResultMatchesSchema } from "../../core/test/tool-checks.js";
import { createHttpServer, createHttpServerFactory } from "../src/server.js";
import { connect, startUpstream } from "./helpers.js";

const open: Awaited<ReturnType<typeof connect>>[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function listed(options: Parameters<typeof connect>[0] = {}) {
  const c = await connect(options);
  open.push(c);
  return (await c.client.listTools()).tools;
}

describe("createHttpServer", () => {
  it("lists the three tools, each with a title, all four annotations and portable schemas", async () => {
    const tools = await listed();
    expect(tools.map((t) => t.name)).toEqual(["http_get", "http_post", "http_request"]);
    expectListedToolsComplete(tools);
  });

  // 1900, and 20 for the `items: {}` of body's array form (two tools), without which OpenAI, Gemini and VS Code
  // refuse the tool, and 16 for "Decoded" params (two tools): an encoded value would be encoded twice.
  it("stays within the 1,936-byte tool-definition budget", async () => {
    const tools = await listed();
    const bytes = tools
      .map(({ name, description, inputSchema }) =>
        Buffer.byteLength(JSON.stringify({ name, description, inputSchema })),
      )
      .reduce((a, b) => a + b, 0);
    console.log(`http tool definitions: ${bytes} bytes (budget 1936)`);
    expect(bytes).toBeLessThanOrEqual(1936);
  });

  it("answers every call, success, cut or refusal, with what its output schema says", async () => {
    const json = JSON.stringify(Array.from({ length: 200 }, (_, id) => ({ id, name: `user${id}` })));
    const upstream = await startUpstream((req, res) => {
      if (req.url === "/html") res.setHeader("content-type", "text/html");
      else res.setHeader("content-type", "application/json");
      res.statusCode = req.url === "/missing" ? 404 : 200;
      res.end(req.url === "/html" ? "<h1>Title</h1><p>text</p>" : json);
    });
    try {
      const c = await connect({ allowLoopback: true, maxLength: 500 });
      open.push(c);
      const byName = new Map((await c.client.listTools()).tools.map((t) => [t.name, t]));
      const url = upstream.origin;
      const calls: [string, Record<string, unknown>, "ok" | "error"][] = [
        ["http_get", { url: `${url}/json` }, "ok"],
        ["http_get", { url: `${url}/html` }, "ok"],
        ["http_get", { url: `${url}/missing` }, "ok"],
        ["http_get", { url: "http://10.0.0.1/" }, "error"],
        ["http_get", { url: "not a url" }, "error"],
        ["http_post", { url: `${url}/json`, body: { a: 1 } }, "ok"],
        ["http_request", { method: "GET", url: `${url}/json`, start_index: 500 }, "ok"],
        ["http_request", { method: "HEAD", url: `${url}/json` }, "ok"],
        ["http_request", { method: "DELETE", url: `${url}/json`, raw: true }, "ok"],
      ];
      for (const [name, args, outcome] of calls) {
        const tool = byName.get(name);
        if (!tool) throw new Error(`no tool ${name}`);
        expectResultMatchesSchema(tool, await c.call(name, args), outcome);
      }
    } finally {
      await upstream.close();
    }
  });

  it("in read-only mode lists only GET/HEAD-capable tools, marked read-only", async () => {
    const tools = await listed({ readOnly: true });
    expect(tools.map((t) => t.name)).toEqual(["http_get", "http_request"]);
    const request = tools.find((t) => t.name === "http_request");
    expect(request?.inputSchema.properties?.method).toMatchObject({ enum: ["GET", "HEAD"] });
    expect(request?.annotations?.readOnlyHint).toBe(true);
  });

  it("closes its keep-alive pool when the server closes", async () => {
    const upstream = await startUpstream((_req, res) => res.end("ok"));
    try {
      const c = await connect({ allowPrivate: true });
      await c.call("http_get", { url: upstream.origin });
      expect(upstream.connections - upstream.closed).toBe(1);
      await c.close();
      for (let i = 0; i < 100 && upstream.closed < 1; i++) await sleep(10);
      expect(upstream.closed).toBe(1);
    } finally {
      await upstream.close();
    }
  });

  // A value of the wrong kind or shape is a TypeError, a number out of range a RangeError. The pool's settings are
  // checked by resolveFetcherOptions (server-options.test.ts); these rows show a factory refuses through it too.
  it.each<[string, Parameters<typeof connect>[0], { readonly name: string }, string]>([
    ["a timeout of 0", { timeoutMs: 0 }, RangeError, "timeoutMs must be a whole number"],
    ["a timeout as text", { timeoutMs: "5000" as never }, TypeError, "timeoutMs must be a whole number"],
    ["an image limit of 0", { maxImageBytes: 0 }, RangeError, "maxImageBytes must be a whole number ≥ 1, got 0"],
    [
      "a URL for a host",
      { allowHosts: ["https://api.example.com/"] },
      TypeError,
      'host pattern "https://api.example.com/" is not a host, host:port or *.domain',
    ],
    [
      "a page length over its limit",
      { maxLength: 20_000, maxLengthLimit: 5_000 },
      RangeError,
      "maxLength: 20000 is over maxLengthLimit: 5000: lower the first or raise the second to 20000",
    ],
  ])("refuses %s with the option's name", async (_, options, kind, message) => {
    await expect(connect(options)).rejects.toThrow(errorWith(kind, message));
  });

  // Plain JavaScript callers have no compiler: each mistake is one TypeError naming the factory and the option.
  it.each<[string, unknown, string]>([
    [
      "a misspelt option",
      { allowHost: ["api.example.com"] },
      'createHttpServer: unknown option "allowHost" — did you mean "allowHosts"?',
    ],
    [
      "one host for the list",
      { allowHosts: "api.example.com" },
      'createHttpServer: allowHosts must be an array of non-empty strings, got "api.example.com"',
    ],
    [
      "a string for a boolean",
      { allowPrivate: "false" },
      'createHttpServer: allowPrivate must be true or false, got "false"',
    ],
    [
      "seconds as text",
      { timeoutMs: "30" },
      'createHttpServer: timeoutMs must be a whole number from 1 to 2147483647, got "30"',
    ],
    [
      "a rate limit as a number",
      { rateLimit: 10 },
      "createHttpServer: rateLimit must be null, { perSecond, burst } or text",
    ],
    ["console for a logger", { logger: console.log }, "createHttpServer: logger must be a logger"],
    [
      "a pool that is not one of createFetcher's",
      { fetcher: { fetch: globalThis.fetch } },
      "createHttpServer: fetcher must be a pool from createFetcher(…): an object with fetch and close functions and its options, got an object",
    ],
  ])("refuses %s from a plain JavaScript caller, before opening a pool", (_, options, message) => {
    expect(() => createHttpServer(options as never)).toThrow(typeErrorWith(message));
    expect(() => createHttpServerFactory(options as never)).toThrow(
      typeErrorWith(message.replace("createHttpServer", "createHttpServerFactory")),
    );
  });
});
