import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed } from "@modelcontextprotocol/sdk/shared/auth.js";
import { describe, expect, it } from "vitest";
import { SERVED_PROTOCOL_VERSIONS } from "../src/protocol.js";
import { AUTH, initialize, post, rawPost, tokenEndpointFixture, waitingFactory } from "./token-endpoint.js";

const { start, connect } = tokenEndpointFixture();

describe("each request to the endpoint, checked before the SDK sees it", () => {
  it("refuses requests without a bearer token, or with a wrong one, with 401", async () => {
    const { url } = await start();
    const none = await post(url, initialize);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/serveHttp's token/);
    expect((await post(url, initialize, { authorization: "Bearer wrong" })).status).toBe(401);
    await expect(connect(url, "modern", "wrong")).rejects.toThrow();
    await expect(connect(url, "v1@2025-11-25", "wrong")).rejects.toThrow();
  });

  it.each([
    ["a rebinding Host", { host: "evil.example:PORT" }],
    ["a cross-site Origin", { origin: "http://evil.example" }],
    ["the null Origin", { origin: "null" }],
  ])("refuses %s with 403 and a JSON-RPC error, even with the right token", async (_, headers) => {
    const { url } = await start();
    const resolved = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace("PORT", url.port)]));
    // fetch will not let a page set Host, so the request is sent as a client in the attacker's position would.
    const response = await rawPost(url, initialize, { ...AUTH, ...resolved });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ jsonrpc: "2.0", error: { code: -32000, message: /Forbidden/ } });
  });

  it("refuses two Host headers with 400, though each is allowed: a proxy reading the other would see another request", async () => {
    const { url } = await start();
    const { connect } = await import("node:net");
    const body = JSON.stringify(initialize);
    const headers = `Host: ${url.host}\r\nHost: localhost\r\nAuthorization: ${AUTH.authorization}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close`;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname);
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString("utf8");
      });
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
      socket.end(`POST ${url.pathname} HTTP/1.1\r\n${headers}\r\n\r\n${body}`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf("{"), answer.lastIndexOf("}") + 1))).toMatchObject({
      error: {
        code: -32000,
        message: /^Bad Request: the request has 2 Host headers, and HTTP\/1\.1 takes exactly one/,
      },
    });
  });

  it("judges an absolute-form target's host, which takes the place of the Host header, and serves it when allowed", async () => {
    const { url } = await start();
    const elsewhere = await rawPost(url, initialize, AUTH, `http://evil.example${url.pathname}`);
    expect(elsewhere.status).toBe(403);
    expect(JSON.parse(elsewhere.body)).toMatchObject({ error: { message: /Host "evil\.example" is not allowed/ } });
    expect((await rawPost(url, initialize, AUTH, `http://${url.host}${url.pathname}`)).status).toBe(200);
  });

  it("accepts a loopback page's Origin, and one allowed with --allowed-origin", async () => {
    const { url } = await start({ allowedOrigins: ["https://app.example.com"] });
    expect((await post(url, initialize, { ...AUTH, origin: "http://localhost:6274" })).status).toBe(200);
    expect((await post(url, initialize, { ...AUTH, origin: "https://app.example.com" })).status).toBe(200);
    expect((await post(url, initialize, { ...AUTH, origin: "https://other.example.com" })).status).toBe(403);
    // The allowed name on another scheme or port is another origin: refused, not run without CORS headers.
    for (const origin of ["http://app.example.com", "https://app.example.com:8443"]) {
      const refused = await post(url, initialize, { ...AUTH, origin });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain("app.example.com is allowed only as https://app.example.com");
    }
  });

  it("refuses an unsupported MCP-Protocol-Version with 400 and UnsupportedProtocolVersionError naming the supported ones", async () => {
    const { url } = await start();
    const response = await post(url, initialize, { ...AUTH, "mcp-protocol-version": "2024-01-01" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      id: unknown;
      error: { code: number; message: string; data: { supported: string[]; requested: string } };
    };
    expect(body.error.message).toMatch(
      /unsupported MCP-Protocol-Version "2024-01-01".*2026-07-28, 2025-11-25, 2025-06-18/,
    );
    // 2026-07-28 clients that speak both eras retry from this list only on this code; any other sends them to 2025.
    expect(body.error.code).toBe(-32022);
    expect(body.error.data).toEqual({ supported: [...SERVED_PROTOCOL_VERSIONS], requested: "2024-01-01" });
    expect(body.id).toBe(initialize.id);
  });

  it("refuses params that are not an object with Invalid Request naming them, answered by the request's id", async () => {
    const { url } = await start();
    const response = await post(url, { jsonrpc: "2.0", id: 17, method: "ping", params: [] }, AUTH);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: 17,
      error: {
        code: -32600,
        message: 'Invalid Request: "params" must be an object (MCP names every parameter), got an array',
      },
    });
  });

  it("refuses a wrong Accept with 406, a wrong content type with 415, bad JSON with 400, GET with 405", async () => {
    const { url } = await start();
    expect((await post(url, initialize, { ...AUTH, accept: "text/html" })).status).toBe(406);
    // Any type, curl's default, takes both answers the SDK may give.
    expect((await post(url, initialize, { ...AUTH, accept: "*/*" })).status).toBe(200);
    expect((await post(url, initialize, { ...AUTH, "content-type": "text/plain" })).status).toBe(415);
    // A compressed body is said to be that, not text that is not UTF-8.
    const gzipped = await post(url, initialize, { ...AUTH, "content-encoding": "gzip" });
    expect(gzipped.status).toBe(415);
    expect(((await gzipped.json()) as { error: { message: string } }).error.message).toMatch(
      /Content-Encoding "gzip" is not taken; send the body uncompressed/,
    );
    expect((await post(url, initialize, { ...AUTH, "content-encoding": "identity" })).status).toBe(200);
    const bad = await post(url, "{not json", AUTH);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const get = await fetch(url, { headers: AUTH });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(((await get.json()) as { error: { message: string } }).error.message).toBe(
      "Method Not Allowed: GET is not served: this endpoint is stateless and takes each JSON-RPC message in a POST; a GET stream and DELETE belong to 2025-era sessions, which the server keeps with stateful",
    );
    // JSON that is not JSON-RPC: the field at fault is named.
    const notRpc = await post(url, { jsonrpc: "2.0", id: 1, method: 5 }, AUTH);
    expect(notRpc.status).toBe(400);
    expect(await notRpc.json()).toMatchObject({
      error: { code: -32600, message: expect.stringMatching(/"method" must be a string, got 5/) },
    });
  });

  it("refuses a method sessions do not use with 405 naming the three they do (stateful)", async () => {
    const { url } = await start({ stateful: true });
    const put = await fetch(url, {
      method: "PUT",
      headers: { ...AUTH, "content-type": "application/json" },
      body: "{}",
    });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST, DELETE");
    expect(((await put.json()) as { error: { message: string } }).error.message).toMatch(
      /^Method Not Allowed: PUT is not served: send JSON-RPC messages in a POST, open a session's stream with GET/,
    );
    // A GET without a session still says what it lacks.
    expect((await fetch(url, { headers: AUTH })).status).toBe(400);
  });

  it.each(["GET", "DELETE"])(
    "answers a 2026-07-28 client's %s with 405: that revision has no sessions (stateful)",
    async (method) => {
      const { url } = await start({ stateful: true });
      const headers = { ...AUTH, accept: "text/event-stream", "mcp-protocol-version": "2026-07-28" };
      for (const sent of [headers, { ...headers, "mcp-session-id": "0123" }]) {
        const answer = await fetch(url, { method, headers: sent });
        expect(answer.status).toBe(405);
        expect(answer.headers.get("allow")).toBe("POST");
        expect(((await answer.json()) as { error: { message: string } }).error.message).toBe(
          `Method Not Allowed: ${method} is not part of MCP 2026-07-28, which has no sessions: its client POSTs each message with no Mcp-Session-Id, and listens for changes with a subscriptions/listen POST. This server's sessions, with their GET stream and DELETE, are for 2025-era clients, which open one with an initialize POST`,
        );
      }
      // A 2025-era client's GET without a session is still told to initialize first.
      const legacy = await fetch(url, { method, headers: { ...AUTH, "mcp-protocol-version": "2025-11-25" } });
      expect(legacy.status).toBe(400);
      expect(((await legacy.json()) as { error: { message: string } }).error.message).toMatch(/must be initialize/);
    },
  );

  it("runs a batch of up to 16 messages, and refuses a larger one with 400 before running any", async () => {
    const events: string[] = [];
    const { url } = await start({}, waitingFactory(events));
    const call = (id: number) => ({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name: "wait", arguments: { ms: 1 } },
    });
    const headers = { ...AUTH, "mcp-protocol-version": "2025-03-26" };
    const ok = await post(
      url,
      Array.from({ length: 16 }, (_, i) => call(i + 1)),
      headers,
    );
    expect(ok.status).toBe(200);
    expect((await ok.text()).match(/"text":"waited"/g)).toHaveLength(16);
    const big = await post(
      url,
      Array.from({ length: 17 }, (_, i) => call(i + 1)),
      headers,
    );
    expect(big.status).toBe(400);
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(
      /a batch may carry at most 16 messages, this one has 17/,
    );
    const huge = await post(
      url,
      Array.from({ length: 30_000 }, (_, i) => call(i + 1)),
      headers,
    );
    expect(huge.status).toBe(400);
  });

  it.each([
    ["stateless", {}, "once it is answered"],
    ["stateful", { stateful: true }, "with the Mcp-Session-Id it gives"],
  ])(
    "refuses a %s batch holding initialize saying it goes alone, not that there is more than one",
    async (_, options, then) => {
      const { url } = await start(options);
      const ping = { jsonrpc: "2.0", id: 2, method: "ping" };
      const batch = [{ ...initialize, params: { ...initialize.params, protocolVersion: "2025-03-26" } }, ping];
      const refused = await post(url, batch, AUTH);
      expect(refused.status).toBe(400);
      const { error } = (await refused.json()) as { error: { code: number; message: string } };
      expect(error.code).toBe(-32600);
      expect(error.message).toBe(
        `Invalid Request: initialize may not be sent in a JSON-RPC batch; POST it alone, then send the other messages ${then}`,
      );
      // Alone, it opens the connection as ever.
      expect((await post(url, batch[0], AUTH)).status).toBe(200);
    },
  );

  it("refuses a batch sent as 2026-07-28 saying that revision has no batches, not that it is unsupported", async () => {
    const { url } = await start();
    const ping = (id: number) => ({ jsonrpc: "2.0", id, method: "ping" });
    const refused = await post(url, [ping(1), ping(2)], { ...AUTH, "mcp-protocol-version": "2026-07-28" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: {
        code: -32600,
        message: "Invalid Request: 2026-07-28 has no JSON-RPC batches; send each message in a request of its own",
      },
    });
  });

  it.each([
    ["a result", { jsonrpc: "2.0", id: 1, result: {} }],
    ["an error", { jsonrpc: "2.0", id: 1, error: { code: -1, message: "no" } }],
  ])(
    "refuses %s sent as 2026-07-28 saying that revision sends no requests, not that it is unsupported",
    async (_, answer) => {
      const { url } = await start();
      const refused = await post(url, answer, { ...AUTH, "mcp-protocol-version": "2026-07-28" });
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as { error: { code: number; message: string } };
      expect(body.error.code).toBe(-32600);
      expect(body.error.message).toMatch(
        /^Invalid Request: the body is a JSON-RPC response, and a 2026-07-28 server sends its clients no requests to answer: .*params\.inputResponses$/,
      );
    },
  );

  it("answers health checks without a token, and unknown paths with 404", async () => {
    const { url } = await start();
    const health = await fetch(new URL("/healthz", url));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect((await fetch(new URL("/other", url))).status).toBe(404);
  });

  it("tells an OAuth client that forgot the token (mcp-remote without --header) to send it, not that /register is missing", async () => {
    const { url } = await start();
    // What mcp-remote gives the SDK: a provider ready to register a client and open a browser.
    let saved: OAuthClientInformationMixed | undefined;
    const provider: OAuthClientProvider = {
      redirectUrl: "http://localhost:7300/oauth/callback",
      clientMetadata: { redirect_uris: ["http://localhost:7300/oauth/callback"], client_name: "proxy" },
      clientInformation: () => saved,
      saveClientInformation: (info) => {
        saved = info;
      },
      tokens: () => undefined,
      saveTokens: () => {},
      redirectToAuthorization: () => {},
      saveCodeVerifier: () => {},
      codeVerifier: () => "verifier",
    };
    const client = new V1Client({ name: "proxy", version: "1" });
    const transport = new V1StreamableHTTPClientTransport(url, { authProvider: provider });
    const refused = await client.connect(transport).then(
      () => undefined,
      (error: Error) => error,
    );
    await client.close();
    expect(refused?.message).toMatch(/does not use OAuth.*Authorization: Bearer <token>.*--header/);
    const register = await post(new URL("/register", url), { redirect_uris: [] });
    expect(register.status).toBe(404);
    expect(await register.json()).toMatchObject({ error: "not_found", error_description: /bearer token/ });
    expect(await (await fetch(new URL("/other", url))).json()).toEqual({
      error: "not found: the MCP endpoint is /mcp",
    });
  });
});
