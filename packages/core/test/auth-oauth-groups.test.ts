// Roles from a token's group and role claims, against a real identity provider (oidc-provider on 127.0.0.1) that puts
// them in its access tokens as Keycloak, Okta, Entra ID and Auth0 do: JWTs and introspected opaque tokens alike,
// never advertised as scopes, and re-read with the policy file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { oauthAuthenticator } from "../src/auth-oauth-authenticator.js";
import { parsePolicy } from "../src/auth-roles.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { createLogger } from "../src/logger.js";
import { openAccess } from "../src/open-access.js";
import { connectClient, type TestClient } from "./clients.js";
import { notesFactory } from "./fixtures.js";
import { type IdentityProvider, startIdentityProvider } from "./identity-provider.js";

const RESOURCE = "https://mcp.example.test/mcp";
const OPAQUE_RESOURCE = "https://opaque.example.test/mcp";
const ALL = ["add_note", "read_notes", "slow_add_note"];

/** One user's token of each provider, as it carries groups and roles; the scopes they ask for are none. */
const CLAIMS: Record<string, Record<string, unknown>> = {
  keycloak: {
    realm_access: { roles: ["offline_access", "mcp-reader"] },
    resource_access: { "mcp-server": { roles: ["noter"] } },
  },
  okta: { groups: ["Everyone", "MCP Admins"] },
  // A delegated token: scp, and the app roles assigned to its user.
  entra: { scp: "user_impersonation", roles: ["MCP.Write"] },
  auth0: { "https://example.com/roles": ["mcp-admin"] },
  everyone: { groups: ["Everyone"] },
};

const POLICY = {
  roles: { noter: ["read_notes", "add_note"] },
  claims: ["groups", "realm_access.roles", "resource_access.mcp-server.roles", "roles", ["https://example.com/roles"]],
  groups: {
    "MCP Admins": "writer",
    "mcp-reader": "reader",
    noter: "noter",
    "MCP.Write": "writer",
    "mcp-admin": "writer",
  },
};

let idp: IdentityProvider;
const endpoints: HttpEndpoint[] = [];
const clients: TestClient[] = [];
const temps: string[] = [];

beforeAll(async () => {
  idp = await startIdentityProvider({
    scopes: ["mcp:read", "mcp:write"],
    clients: [
      ...Object.keys(CLAIMS).map((id) => ({ id, secret: `${id}-secret`, scope: "mcp:read" })),
      { id: "mcp-server", secret: "introspection-secret", scope: "mcp:read" },
    ],
    claims: CLAIMS,
  });
});
afterAll(async () => {
  await idp.close();
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function serve(policyJson: object, resource = RESOURCE) {
  const policy = parsePolicy(JSON.stringify(policyJson));
  const introspection = {
    url: `${idp.issuer}/token/introspection`,
    clientId: "mcp-server",
    clientSecret: "introspection-secret",
  };
  const auth = await oauthAuthenticator({ issuer: idp.issuer, resource, introspection }, policy);
  const endpoint = await serveHttp(notesFactory(), { host: "127.0.0.1", port: 0, auth, policy });
  endpoints.push(endpoint);
  return endpoint;
}

async function toolsOf(url: URL, token: string) {
  const client = await connectClient({ url, token }, "modern");
  clients.push(client);
  return (await client.listTools()).tools.map((t) => t.name).sort();
}

describe("roles from a token's group and role claims", () => {
  it.each<[string, string[]]>([
    ["keycloak", ["add_note", "read_notes"]],
    ["okta", ALL],
    ["entra", ALL],
    ["auth0", ALL],
    ["everyone", []],
  ])("a %s token gets the roles its claims' names grant", async (provider, tools) => {
    const { url } = await serve(POLICY);
    const token = await idp.token(provider, "", RESOURCE);
    expect(await toolsOf(url, token)).toEqual(tools);
  });

  it("reads them from an introspected opaque token as from a JWT", async () => {
    const { url } = await serve(POLICY, OPAQUE_RESOURCE);
    const token = await idp.token("keycloak", "", OPAQUE_RESOURCE);
    expect(token).not.toContain(".");
    expect(await toolsOf(url, token)).toEqual(["add_note", "read_notes"]);
  });

  it("reads nothing the policy does not name: without claims a group grants nothing", async () => {
    const { url } = await serve({ roles: {}, scopes: {} });
    expect(await toolsOf(url, await idp.token("okta", "", RESOURCE))).toEqual([]);
    // Scopes still grant beside groups.
    const { url: both } = await serve(POLICY);
    expect(await toolsOf(both, await idp.token("everyone", "mcp:read", RESOURCE))).toEqual(["read_notes"]);
  });

  it("never advertises a group as a scope, nor names one in a challenge", async () => {
    const { url } = await serve(POLICY);
    const scopesSupported = async (endpoint: URL) => {
      const metadata = await fetch(new URL("/.well-known/oauth-protected-resource/mcp", endpoint));
      return ((await metadata.json()) as { scopes_supported?: string[] }).scopes_supported;
    };
    // Every role comes with a group here: clients are told of no scope, and ask for the one they were registered with.
    expect(await scopesSupported(url)).toBeUndefined();
    const { url: writers } = await serve({ claims: ["groups"], groups: { "MCP Admins": "writer" } });
    expect(await scopesSupported(writers)).toEqual(["mcp:read"]);
    const token = await idp.token("keycloak", "", RESOURCE);
    const refused = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "slow_add_note", arguments: { text: "x", ms: 0 } },
      }),
    });
    expect(refused.status).toBe(403);
    const challenge = refused.headers.get("www-authenticate") ?? "";
    expect(challenge).toContain('scope="mcp:write"');
    expect(challenge).toContain(
      'a token with scope mcp:write, or MCP Admins or MCP.Write or mcp-admin in groups or realm_access.roles or resource_access.mcp-server.roles or roles or [\\"https://example.com/roles\\"], may use it',
    );
  });

  it("re-reads the claims and groups with the policy file, keeping them when the new file is refused", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "groups-"));
    temps.push(dir);
    const file = path.join(dir, "policy.json");
    writeFileSync(file, JSON.stringify({ claims: ["groups"], groups: { "MCP Admins": "reader" } }));
    const logger = createLogger("test", "error", () => {});
    const opened = await openAccess(
      { auth: { mode: "oauth", issuer: idp.issuer, resource: RESOURCE }, policyFile: file },
      logger,
    );
    const endpoint = await serveHttp(notesFactory(), {
      host: "127.0.0.1",
      port: 0,
      auth: opened.auth,
      policy: opened.policy,
    });
    endpoints.push(endpoint);
    const token = await idp.token("okta", "", RESOURCE);
    expect(await toolsOf(endpoint.url, token)).toEqual(["read_notes"]);

    writeFileSync(file, JSON.stringify({ claims: ["groups"], groups: { "MCP Admins": "writer" } }));
    await opened.reload();
    expect(await toolsOf(endpoint.url, token)).toEqual(ALL);

    writeFileSync(file, JSON.stringify({ claims: ["https://example.com/roles"], groups: { "MCP Admins": "reader" } }));
    await expect(opened.reload()).rejects.toThrow(
      /^--auth-policy \(MCP_AUTH_POLICY\): .*policy.json: claim "https:\/\/example.com\/roles" would be read as the path/,
    );
    expect(await toolsOf(endpoint.url, token)).toEqual(ALL);

    // A file without claims takes them away.
    writeFileSync(file, JSON.stringify({ scopes: {} }));
    await opened.reload();
    expect(await toolsOf(endpoint.url, token)).toEqual([]);
  });
});
