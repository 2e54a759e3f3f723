// The scopes a spec-following client asks for, end to end: a real SDK client with the v2 ClientCredentialsProvider
// meets our 401, reads our RFC 9728 metadata, gets a token from a real identity provider (oidc-provider on
// 127.0.0.1) and uses it. The provider knows only Entra-style scope names, mapped to roles by the policy.
import { Client, ClientCredentialsProvider, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { ClientCredentialsProvider as V1ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { oauthAuthenticator } from "../src/auth-oauth-authenticator.js";
import { parsePolicy } from "../src/auth-roles.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { bearerPost } from "./bearer-post.js";
import { notesFactory, textOf } from "./fixtures.js";
import { type IdentityProvider, startIdentityProvider } from "./identity-provider.js";

/** Our server's canonical URL, as clients reach it through a proxy. */
const RESOURCE = "https://mcp.example.test/mcp";
const POLICY = parsePolicy(JSON.stringify({ roles: {}, scopes: { "MCP.Read": "reader", "MCP.Write": "writer" } }));

let idp: IdentityProvider;
const endpoints: HttpEndpoint[] = [];
const clients: (Client | V1Client)[] = [];

beforeAll(async () => {
  idp = await startIdentityProvider({
    scopes: ["MCP.Read", "MCP.Write"],
    clients: [{ id: "writer-app", secret: "writer-secret", scope: "MCP.Read MCP.Write" }],
  });
});
afterAll(async () => {
  await idp.close();
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

async function serve() {
  const auth = await oauthAuthenticator({ issuer: idp.issuer, resource: RESOURCE }, POLICY);
  const endpoint = await serveHttp(notesFactory(), { host: "127.0.0.1", port: 0, auth, policy: POLICY });
  endpoints.push(endpoint);
  return endpoint;
}

/** What the proxy does: requests for the public origin reach our server on loopback; the provider is reached as is. */
function throughProxy(server: URL): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === new URL(RESOURCE).origin) url.href = new URL(url.pathname + url.search, server).href;
    return fetch(input instanceof Request ? new Request(url, input) : url, init);
  };
}

describe("scope selection with a policy that maps the provider's scope names", () => {
  it("advertises the provider's names, and a 401 names no scope, so clients ask for scopes_supported", async () => {
    const { url } = await serve();
    const metadata = await fetch(new URL("/.well-known/oauth-protected-resource/mcp", url));
    expect(((await metadata.json()) as { scopes_supported: string[] }).scopes_supported).toEqual([
      "MCP.Read",
      "MCP.Write",
    ]);
    const anonymous = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe(
      'Bearer resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it("a writer client following the spec gets a writer's token, sees the write tools and uses them", async () => {
    const { url } = await serve();
    const authProvider = new ClientCredentialsProvider({
      clientId: "writer-app",
      clientSecret: "writer-secret",
      expectedIssuer: idp.issuer,
    });
    const client = new Client({ name: "writer", version: "1.0.0" });
    clients.push(client);
    await client.connect(
      new StreamableHTTPClientTransport(new URL(RESOURCE), { authProvider, fetch: throughProxy(url) }),
    );
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([
      "add_note",
      "read_notes",
      "slow_add_note",
    ]);
    expect(textOf(await client.callTool({ name: "add_note", arguments: { text: "hi" } }))).toBe("added note 1");
    expect(authProvider.tokens()?.scope?.split(" ").sort()).toEqual(["MCP.Read", "MCP.Write"]);
  });

  it("the v1 SDK's ClientCredentialsProvider asks only for its own scope: without one its token grants nothing", async () => {
    const { url } = await serve();
    const connectV1 = async (scope?: string) => {
      const authProvider = new V1ClientCredentialsProvider({
        clientId: "writer-app",
        clientSecret: "writer-secret",
        expectedIssuer: idp.issuer,
        ...(scope ? { scope } : {}),
      });
      const client = new V1Client({ name: "writer-v1", version: "1.0.0" });
      clients.push(client);
      await client.connect(
        new V1StreamableHTTPClientTransport(new URL(RESOURCE), { authProvider, fetch: throughProxy(url) }),
      );
      return { client, authProvider };
    };
    // Its token request sends the provider's `scope` option, not scopes_supported, so it gets a token with none.
    const bare = await connectV1();
    expect(bare.authProvider.tokens()?.scope ?? "").toBe("");
    expect((await bare.client.listTools()).tools).toEqual([]);
    const scoped = await connectV1("MCP.Read MCP.Write");
    expect((await scoped.client.listTools()).tools.map((t) => t.name)).toContain("add_note");
  });

  it("a 403 names the provider's scope that would allow the call", async () => {
    const { url } = await serve();
    const token = await idp.token("writer-app", "MCP.Read", RESOURCE);
    const refused = await bearerPost(url, token, {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "add_note", arguments: { text: "x" } },
    });
    expect(refused.status).toBe(403);
    const challenge = refused.headers.get("www-authenticate") ?? "";
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="MCP.Write"');
  });
});
