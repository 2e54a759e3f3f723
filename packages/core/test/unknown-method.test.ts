// A request for a method the server does not answer, in each era, over real HTTP: the answer names the method and
// those the server answers in that revision; in 2026-07-28 it stays a 404 with -32601, as the transport requires.
// Every method it names is one the server does answer.
import { describe, expect, it } from "vitest";
import { answeredMethods, answersMethod, unknownMethodMessage } from "../src/unknown-method.js";
import { echoFactory } from "./fixtures.js";
import { libraryFactory } from "./library.js";
import { AUTH, initialize, post, tokenEndpointFixture } from "./token-endpoint.js";

const { start } = tokenEndpointFixture();

const MODERN_META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};

/** A 2026-07-28 request for `method`, as a client sends it: status and JSON-RPC error. */
async function modern(url: URL, method: string, params: Record<string, unknown> = {}) {
  const headers = { ...AUTH, "mcp-protocol-version": "2026-07-28", "mcp-method": method };
  const response = await post(
    url,
    { jsonrpc: "2.0", id: 7, method, params: { ...params, _meta: MODERN_META } },
    headers,
  );
  return { status: response.status, body: (await response.json()) as { error?: { code: number; message: string } } };
}

/** A 2025-era request over stateless HTTP: the JSON-RPC error, read from the JSON or SSE answer. */
async function legacy(url: URL, method: string, params: Record<string, unknown> = {}) {
  const headers = { ...AUTH, "mcp-protocol-version": "2025-06-18" };
  const response = await post(url, { jsonrpc: "2.0", id: 7, method, params }, headers);
  const text = await response.text();
  const json = text.startsWith("{") ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? "{}");
  return { status: response.status, body: JSON.parse(json) as { error?: { code: number; message: string } } };
}

describe("answersMethod", () => {
  const METHODS = [
    ...answeredMethods({ tools: {}, prompts: {}, resources: {}, completions: {} }, true),
    ...answeredMethods({ tools: {}, prompts: {}, resources: {}, completions: {} }, false),
    "logging/setLevel",
    "resources/subscribe",
    "tools/List",
    "",
  ];
  const SHAPES = [{}, { tools: {} }, { tools: {}, prompts: {} }, { resources: {}, completions: {} }];
  it.each(SHAPES.flatMap((capabilities) => [true, false].map((modern) => ({ capabilities, modern }))))(
    "says what answeredMethods lists: %j",
    ({ capabilities, modern }) => {
      const listed = answeredMethods(capabilities, modern);
      for (const method of METHODS) expect(answersMethod(capabilities, modern, method)).toBe(listed.includes(method));
    },
  );
});

describe("unknownMethodMessage", () => {
  it.each<[string, string | undefined, boolean, RegExp]>([
    [
      "foo/bar",
      "2026-07-28",
      true,
      /^Method not found: "foo\/bar" is not a method this server answers in MCP 2026-07-28; it answers server\/discover, tools\/list \(server\/discover says what it offers\)$/,
    ],
    [
      "ping",
      undefined,
      false,
      /^Method not found: "ping" is not a method this server answers in 2025-era MCP; .*initialize's result says/,
    ],
    ["x".repeat(500), "2025-11-25", false, /^Method not found: "x{100}…" is not/],
  ])("%j in %s", (method, revision, isModern, message) => {
    const answered = isModern ? ["server/discover", "tools/list"] : ["initialize", "tools/list"];
    expect(unknownMethodMessage(method, revision, answered, isModern)).toMatch(message);
  });
});

describe("a request for a method the server does not answer, over HTTP", () => {
  it("in 2026-07-28: 404 and -32601, naming the method and the revision's methods", async () => {
    const { url } = await start({}, libraryFactory(2).factory);
    for (const method of ["foo/bar", "ping", "initialize", "logging/setLevel"]) {
      const { status, body } = await modern(url, method);
      expect(status).toBe(404);
      expect(body.error?.code).toBe(-32601);
      expect(body.error?.message).toBe(
        `Method not found: "${method}" is not a method this server answers in MCP 2026-07-28; it answers server/discover, subscriptions/listen, tools/list, tools/call, prompts/list, prompts/get, resources/list, resources/templates/list, resources/read, completion/complete (server/discover says what it offers)`,
      );
    }
  });

  it("in 2025-06-18: -32601 naming the method and the revision's methods", async () => {
    const { url } = await start({}, echoFactory());
    for (const method of ["foo/bar", "server/discover"]) {
      const { body } = await legacy(url, method);
      expect(body.error?.code).toBe(-32601);
      expect(body.error?.message).toBe(
        `Method not found: "${method}" is not a method this server answers in MCP 2025-06-18; it answers initialize, ping, tools/list, tools/call, resources/list, resources/templates/list, resources/read (initialize's result says what it offers)`,
      );
    }
  });

  it.each([true, false])("names only methods the server answers (2026-07-28: %s)", async (isModern) => {
    const { url } = await start({}, libraryFactory(2).factory);
    const capabilities = { tools: {}, prompts: {}, resources: {}, completions: {} };
    for (const method of answeredMethods(capabilities, isModern)) {
      const params = method === "initialize" ? initialize.params : {};
      const { body } = isModern ? await modern(url, method, params) : await legacy(url, method, params);
      expect(body.error?.code, method).not.toBe(-32601);
    }
  });
});
