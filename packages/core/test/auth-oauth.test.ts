// OAuth against a real identity provider (oidc-provider on 127.0.0.1): our HTTP server as the resource server, real
// SDK clients of both generations presenting the tokens it issues, and tokens that must be refused.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeJwt, decodeProtectedHeader, importJWK, type JWTPayload, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type AuditEntry, openAuditLog } from "../src/audit-log.js";
import { type OAuthOptions, oauthVerifier } from "../src/auth-oauth.js";
import { ISSUER_RETRY_AFTER_S, oauthAuthenticator } from "../src/auth-oauth-authenticator.js";
import { discoverIssuer, metadataUrls } from "../src/auth-oauth-issuer.js";
import { HELD_KEYS_MAX_AGE_MS } from "../src/auth-oauth-jwks.js";
import { EMPTY_POLICY, parsePolicy, type RolePolicy } from "../src/auth-roles.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import type { Logger } from "../src/logger.js";
import { type ClientKind, connectClient, type TestClient } from "./clients.js";
import { notesFactory, textOf } from "./fixtures.js";
import { type IdentityProvider, newSigningKey, startIdentityProvider } from "./identity-provider.js";

/** Our server's canonical URL, as clients would reach it through a proxy: the audience its tokens must name. */
const RESOURCE = "https://mcp.example.test/mcp";
const OPAQUE_RESOURCE = "https://opaque.example.test/mcp";
const POLICY = parsePolicy(
  JSON.stringify({ roles: { analyst: ["read_notes", "add_note"] }, scopes: { "mcp:analyst": "analyst" } }),
);
const CLIENTS = [
  { id: "reader-app", secret: "reader-secret", scope: "mcp:read" },
  { id: "writer-app", secret: "writer-secret", scope: "mcp:read mcp:write" },
  { id: "analyst-app", secret: "analyst-secret", scope: "mcp:analyst" },
  { id: "mcp-server", secret: "introspection-secret", scope: "mcp:read" },
];

let idp: IdentityProvider;
const endpoints: HttpEndpoint[] = [];
const clients: TestClient[] = [];
const temps: string[] = [];

beforeAll(async () => {
  idp = await startIdentityProvider({ scopes: ["mcp:read", "mcp:write", "mcp:analyst"], clients: CLIENTS });
});
afterAll(async () => {
  await idp.close();
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A token signed with the issuer's own key for RESOURCE, subject user-42, with these claims; no exp unless given;
 * typ at+jwt unless `header` says another (or none).
 */
async function issuerSigned(
  claims: JWTPayload,
  expiresIn?: string,
  header: { typ?: string } = { typ: "at+jwt" },
): Promise<string> {
  const key = idp.keys[0] as Record<string, string>;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: key.kid as string, ...header })
    .setIssuer(idp.issuer)
    .setAudience(RESOURCE)
    .setSubject("user-42")
    .setIssuedAt();
  if (expiresIn) jwt.setExpirationTime(expiresIn);
  return jwt.sign(await importJWK(key, "RS256"));
}

async function serve(
  settings: Partial<OAuthOptions> = {},
  policy: RolePolicy = EMPTY_POLICY,
  extra: Parameters<typeof serveHttp>[1] extends infer O ? Partial<O> : never = {},
) {
  const auth = await oauthAuthenticator({ issuer: idp.issuer, resource: RESOURCE, ...settings }, policy);
  const endpoint = await serveHttp(notesFactory(), { host: "127.0.0.1", port: 0, auth, policy, ...extra });
  endpoints.push(endpoint);
  return endpoint;
}

async function connect(url: URL, token: string, kind: ClientKind = "modern") {
  const client = await connectClient({ url, token }, kind);
  clients.push(client);
  return client;
}

const toolNames = async (client: TestClient) => (await client.listTools()).tools.map((t) => t.name).sort();

/** A raw tools/call, as any client sends it, with a bearer token. */
function call(url: URL, token: string | undefined, name: string, args: Record<string, unknown> = {}) {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name, arguments: args } }),
  });
}

/** What a refused token gets: 401, a challenge pointing at our metadata, and the reason. */
async function expectRefused(url: URL, token: string, reason: RegExp) {
  const response = await call(url, token, "read_notes");
  expect(response.status).toBe(401);
  const challenge = response.headers.get("www-authenticate") ?? "";
  expect(challenge).toContain('error="invalid_token"');
  expect(challenge).toContain(`resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp"`);
  expect(challenge).toMatch(reason);
  // The body is the JSON-RPC error of every other refusal, with the same reason.
  const body = (await response.json()) as { jsonrpc: string; id: null; error: { code: number; message: string } };
  expect(body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32001 } });
  expect(body.error.message).toMatch(/^Unauthorized: /);
  expect(body.error.message).toMatch(reason);
}

describe("OAuth resource server with a real identity provider", () => {
  it.each<ClientKind>(["modern", "v2@2025-11-25", "v1@2025-11-25", "v1@2025-06-18"])(
    "a valid mcp:read token lets a %s client list and call the read-only tools only",
    async (kind) => {
      const { url } = await serve();
      const token = await idp.token("reader-app", "mcp:read", RESOURCE);
      const client = await connect(url, token, kind);
      expect(await toolNames(client)).toEqual(["read_notes"]);
      expect(textOf(await client.callTool({ name: "read_notes", arguments: {} }))).toBe("(no notes)");
    },
  );

  it("a mcp:write token may call every tool", async () => {
    const { url } = await serve();
    const client = await connect(url, await idp.token("writer-app", "mcp:read mcp:write", RESOURCE));
    expect(await toolNames(client)).toEqual(["add_note", "read_notes", "slow_add_note"]);
    expect(textOf(await client.callTool({ name: "add_note", arguments: { text: "hello" } }))).toBe("added note 1");
  });

  it("a scope too small gets 403 insufficient_scope naming the scope that would do", async () => {
    const { url } = await serve();
    const token = await idp.token("reader-app", "mcp:read", RESOURCE);
    const response = await call(url, token, "add_note", { text: "x" });
    expect(response.status).toBe(403);
    const challenge = response.headers.get("www-authenticate") ?? "";
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="mcp:write"');
    expect(challenge).toContain(
      'resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp"',
    );
    expect(challenge).toMatch(/tool add_note is not in the caller's roles \(reader\)/);
    // The body is a JSON-RPC error for the request, as other refusals are.
    expect(await response.json()).toMatchObject({
      jsonrpc: "2.0",
      id: 7,
      error: { code: -32000, message: expect.stringMatching(/^Forbidden: tool add_note is not in the caller's roles/) },
    });
    // The SDK client sees the refusal as an error, not a result.
    const client = await connect(url, token);
    await expect(client.callTool({ name: "add_note", arguments: { text: "x" } })).rejects.toThrow(/403|insufficient/i);
  });

  it("custom scopes grant the policy file's roles", async () => {
    const { url } = await serve({}, POLICY);
    const token = await idp.token("analyst-app", "mcp:analyst", RESOURCE);
    const client = await connect(url, token);
    expect(await toolNames(client)).toEqual(["add_note", "read_notes"]);
    expect(textOf(await client.callTool({ name: "add_note", arguments: { text: "q3" } }))).toBe("added note 1");
    const refused = await call(url, token, "slow_add_note", { text: "x", ms: 0 });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("www-authenticate")).toContain('scope="mcp:write"');
  });

  it("takes the policy from the authenticator when serveHttp is given none, as the README's library use does", async () => {
    const auth = await oauthAuthenticator({ issuer: idp.issuer, resource: RESOURCE }, POLICY);
    const endpoint = await serveHttp(notesFactory(), { host: "127.0.0.1", port: 0, auth });
    endpoints.push(endpoint);
    const client = await connect(endpoint.url, await idp.token("analyst-app", "mcp:analyst", RESOURCE));
    expect(await toolNames(client)).toEqual(["add_note", "read_notes"]);
    expect(textOf(await client.callTool({ name: "add_note", arguments: { text: "q3" } }))).toBe("added note 1");
  });

  it("serves RFC 9728 metadata, and a 401 without a token points at it", async () => {
    const { url } = await serve({}, POLICY);
    for (const where of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]) {
      const response = await fetch(new URL(where, url));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        resource: RESOURCE,
        authorization_servers: [idp.issuer],
        scopes_supported: ["mcp:read", "mcp:write", "mcp:analyst"],
        bearer_methods_supported: ["header"],
      });
    }
    const anonymous = await call(url, undefined, "read_notes");
    expect(anonymous.status).toBe(401);
    const challenge = anonymous.headers.get("www-authenticate") ?? "";
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(
      'resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp"',
    );
    // No scope: clients ask for the metadata's scopes_supported (auth-scope-selection.test.ts).
    expect(challenge).not.toContain("scope=");
    // RFC 6750 §3.1: no credentials sent, so no error code in the challenge.
    expect(challenge).not.toContain("error=");
    // The body tells a person (curl, a log) where a token comes from and what it is for.
    expect(((await anonymous.json()) as { error: { message: string } }).error.message).toBe(
      `Unauthorized: send an OAuth access token from ${idp.issuer} for ${RESOURCE} (Authorization: Bearer <token>; https://mcp.example.test/.well-known/oauth-protected-resource/mcp says how to get one)`,
    );
  });

  it("says a token in the query string is never read, and never echoes it in the answer, log or audit trail", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mcp-oauth-"));
    temps.push(dir);
    const audit = openAuditLog(path.join(dir, "audit.log"));
    const lines: string[] = [];
    const log = (line: string) => void lines.push(line);
    const logger: Logger = { debug: log, info: log, warn: log, error: log };
    const { url } = await serve({}, EMPTY_POLICY, { audit, logger });
    const token = await idp.token("reader-app", "mcp:read", RESOURCE);
    const inQuery = new URL(`?access_token=${token}`, url);
    const refused = await call(inQuery, undefined, "read_notes");
    expect(refused.status).toBe(401);
    // The challenge of a request without a token: an OAuth client still starts its sign-in from it.
    expect(refused.headers.get("www-authenticate")).toBe(
      'Bearer resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp"',
    );
    const text = await refused.text();
    expect((JSON.parse(text) as { error: { message: string } }).error.message).toBe(
      `Unauthorized: the access_token in the query string is never read here (RFC 6750 §2.3 lets a server refuse tokens in URLs, which logs and proxies keep): take it out of the URL; send an OAuth access token from ${idp.issuer} for ${RESOURCE} (Authorization: Bearer <token>; https://mcp.example.test/.well-known/oauth-protected-resource/mcp says how to get one)`,
    );
    // The same token in the header is served, the query string still unread.
    expect((await call(inQuery, token, "read_notes")).status).toBe(200);
    // A wrong token in the header is what its 401 is about.
    const wrong = await call(inQuery, "made-up", "read_notes");
    expect(((await wrong.json()) as { error: { message: string } }).error.message).not.toContain("query string");
    await audit.close();
    const trail = readFileSync(path.join(dir, "audit.log"), "utf8");
    expect(JSON.parse(trail.split("\n")[0] as string)).toMatchObject({
      outcome: "unauthorized",
      reason: "HTTP 401: no bearer token (an access_token in the query string is never read)",
    });
    for (const seen of [text, trail, lines.join("\n")]) expect(seen).not.toContain(token);
    expect(lines.join("\n")).toContain("no bearer token (an access_token in the query string is never read)");
  });

  it("warns at start-up when the Host check would refuse the resource's own host, and not once it is allowed", async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (line) => void warnings.push(line), error() {} };
    await serve({}, EMPTY_POLICY, { logger });
    expect(warnings).toEqual([
      "the OAuth resource https://mcp.example.test/mcp names the host mcp.example.test, which the Host check refuses, so every client using that URL gets 403: add it to allowedHosts",
    ]);
    warnings.length = 0;
    await serve({}, EMPTY_POLICY, { logger, allowedHosts: ["mcp.example.test"] });
    expect(warnings).toEqual([]);
  });

  it("reads the Authorization header as RFC 6750 writes it: any spaces after Bearer, and other schemes as none", async () => {
    const auth = await oauthAuthenticator({ issuer: idp.issuer, resource: RESOURCE }, EMPTY_POLICY);
    const token = await idp.token("reader-app", "mcp:read", RESOURCE);
    // "Bearer" 1*SP token: the SDK took one space only, and refused this valid token as "Invalid Authorization header".
    for (const header of [`Bearer  ${token}`, `bearer\t${token}`, ` Bearer ${token} `]) {
      expect((await auth.authenticate(header)).ok, JSON.stringify(header.slice(0, 8))).toBe(true);
    }
    // No bearer credentials: a challenge without an error code (RFC 6750 §3.1), not invalid_token.
    for (const header of ["Basic dXNlcjpwYXNz", undefined]) {
      const refused = await auth.authenticate(header);
      expect(refused.ok).toBe(false);
      if (refused.ok) continue;
      expect(refused.response.status).toBe(401);
      expect(refused.response.headers.get("www-authenticate")).toBe(
        'Bearer resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp"',
      );
    }
  });

  it("refuses a malformed Bearer header with a 400 invalid_request, as the other modes do; a valid token and more is not let in", async () => {
    const auth = await oauthAuthenticator({ issuer: idp.issuer, resource: RESOURCE }, EMPTY_POLICY);
    const token = await idp.token("reader-app", "mcp:read", RESOURCE);
    const twoWords = 'the Authorization header has 2 words after "Bearer", and a bearer token is one, with no spaces';
    // The SDK split "Bearer <token> junk" on spaces and checked the token alone: it was let in.
    for (const [header, why] of [
      [`Bearer ${token} junk`, twoWords],
      ["Bearer a b", twoWords],
      ["Bearer", 'the Authorization header is "Bearer" with no token after it'],
      ["Bearer   ", 'the Authorization header is "Bearer" with no token after it'],
    ] as const) {
      const refused = await auth.authenticate(header);
      if (refused.ok) throw new Error(`let in with ${JSON.stringify(header.slice(0, 12))}`);
      const message = `${why}; send Authorization: Bearer <an OAuth access token>`;
      expect(refused.reason).toBe(why);
      expect(refused.response.status).toBe(400);
      expect(refused.response.headers.get("www-authenticate")).toBe(
        `Bearer resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp", error="invalid_request", error_description="${message.replaceAll('"', "'")}"`,
      );
      expect(await refused.response.json()).toEqual({
        jsonrpc: "2.0",
        id: null,
        error: { code: -32000, message: `Bad Request: ${message}` },
      });
    }
  });

  it("finds the keys through OpenID discovery or RFC 8414 metadata, and refuses metadata naming another issuer", async () => {
    expect(metadataUrls("https://id.example.com/realms/team").map(String)).toEqual([
      "https://id.example.com/.well-known/oauth-authorization-server/realms/team",
      "https://id.example.com/realms/team/.well-known/openid-configuration",
      "https://id.example.com/realms/team/.well-known/oauth-authorization-server",
    ]);
    expect(metadataUrls("https://tenant.example.com/").map(String)).toEqual([
      "https://tenant.example.com/.well-known/oauth-authorization-server",
      "https://tenant.example.com/.well-known/openid-configuration",
    ]);
    const metadata = await discoverIssuer(idp.issuer);
    expect(metadata.issuer).toBe(idp.issuer);
    expect(metadata.jwks_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    // Only OpenID discovery answers: still found.
    const oidcOnly: typeof fetch = (input, init) =>
      String(input).includes("oauth-authorization-server")
        ? Promise.resolve(new Response("not here", { status: 404 }))
        : fetch(input, init);
    expect((await discoverIssuer(idp.issuer, { fetch: oidcOnly })).jwks_uri).toBe(metadata.jwks_uri);
    await expect(discoverIssuer(`${idp.issuer}/`)).rejects.toThrow(/names issuer .*check --issuer/);
  });

  it("takes an audience other than the resource URL when told to (Entra ID's application ID)", async () => {
    const { url } = await serve({ audience: "api://mcp-toolkit" });
    const token = await idp.token("writer-app", "mcp:read mcp:write", "api://mcp-toolkit");
    const client = await connect(url, token);
    expect(await toolNames(client)).toEqual(["add_note", "read_notes", "slow_add_note"]);
    const plain = await serve();
    await expectRefused(plain.url, token, /not issued for this resource/);
  });

  it.each([
    ["scp as a string, client in cid (Okta)", { scp: "mcp:read mcp:write", cid: "okta-app" }, "okta-app"],
    ["scp as a list, client in azp (Keycloak, Auth0)", { scp: ["mcp:read", "mcp:write"], azp: "kc-app" }, "kc-app"],
    ["app roles, client in appid (Entra ID app-only)", { roles: ["mcp:write"], appid: "entra-app" }, "entra-app"],
  ])("reads scopes and the client from the claims other providers use: %s", async (_, claims, clientId) => {
    const dir = mkdtempSync(path.join(tmpdir(), "mcp-audit-"));
    temps.push(dir);
    const audit = openAuditLog(path.join(dir, "audit.log"));
    const { url } = await serve({}, EMPTY_POLICY, { audit });
    const token = await issuerSigned(claims, "5m");
    const client = await connect(url, token);
    expect(textOf(await client.callTool({ name: "add_note", arguments: { text: "x" } }))).toBe("added note 1");
    await audit.close();
    const line = JSON.parse(readFileSync(path.join(dir, "audit.log"), "utf8").trim().split("\n").at(-1) as string);
    expect(line.caller).toEqual({ sub: "user-42", client_id: clientId, token_name: null });
  });

  it("refuses an expired token, allowing 60 s of clock skew", async () => {
    const token = await idp.token("reader-app", "mcp:read", RESOURCE);
    const exp = (decodeJwt(token).exp as number) * 1000;
    const late = await serve({ now: () => exp + 100_000 });
    await expectRefused(late.url, token, /token has expired/);
    const skewed = await serve({ now: () => exp + 30_000 });
    expect((await call(skewed.url, token, "read_notes")).status).toBe(200);
  });

  it("serves a token just past its exp by this host's clock: the 60 s of skew hold on the real clock too", async () => {
    const shortLived = await startIdentityProvider({ scopes: ["mcp:read"], clients: CLIENTS.slice(0, 1), ttlS: 1 });
    try {
      const { url } = await serve({ issuer: shortLived.issuer });
      const token = await shortLived.token("reader-app", "mcp:read", RESOURCE);
      const exp = (decodeJwt(token).exp as number) * 1000;
      await new Promise((resolve) => setTimeout(resolve, exp - Date.now() + 200));
      const response = await call(url, token, "read_notes");
      expect(response.status, response.headers.get("www-authenticate") ?? "").toBe(200);
    } finally {
      await shortLived.close();
    }
  });

  it("refuses a token issued for another resource, and the audit line says why (never the token)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mcp-oauth-"));
    temps.push(dir);
    const audit = openAuditLog(path.join(dir, "audit.log"));
    const { url } = await serve({}, EMPTY_POLICY, { audit });
    const token = await idp.token("writer-app", "mcp:read mcp:write", "https://other.example.test/mcp");
    // What the token names is said too: a near miss of --resource (a trailing slash) shows in the log at once.
    await expectRefused(
      url,
      token,
      /not issued for this resource \(https:\/\/mcp\.example\.test\/mcp\); it names https:\/\/other\.example\.test\/mcp in aud/,
    );
    await audit.close();
    const text = readFileSync(path.join(dir, "audit.log"), "utf8");
    expect(JSON.parse(text.trim()) as AuditEntry).toMatchObject({
      outcome: "unauthorized",
      reason: expect.stringMatching(/^HTTP 401: .*not issued for this resource/i),
    });
    expect(text).not.toContain(token);
  });

  it("refuses a token from another issuer, even one signing with the same keys", async () => {
    const lookalike = await startIdentityProvider({
      scopes: ["mcp:read"],
      clients: CLIENTS.slice(0, 1),
      keys: idp.keys,
    });
    try {
      const { url } = await serve();
      const token = await lookalike.token("reader-app", "mcp:read", RESOURCE);
      await expectRefused(
        url,
        token,
        new RegExp(`issued by another issuer \\(it names ${lookalike.issuer.replaceAll(".", "\\.")}, not `),
      );
    } finally {
      await lookalike.close();
    }
  });

  it("refuses a token without exp, saying so", async () => {
    const { url } = await serve();
    const token = await issuerSigned({ scope: "mcp:read" });
    await expectRefused(url, token, /token has no exp \(expiry\) claim, and one that never expires is not accepted/);
  });

  it("refuses a token whose exp is not a number, not saying it has none", async () => {
    const { url } = await serve();
    // A string where jose (and RFC 7519) take a number of seconds.
    const token = await issuerSigned({ scope: "mcp:read", exp: "tomorrow" } as unknown as JWTPayload);
    await expectRefused(url, token, /token's exp \(expiry\) claim is not a number of seconds/);
  });

  it("refuses a JWT its issuer marks a refresh token (Keycloak's typ Refresh), though it names this resource", async () => {
    const { url } = await serve();
    const token = await issuerSigned({ scope: "mcp:read", typ: "Refresh" }, "5m");
    await expectRefused(
      url,
      token,
      /token is a refresh token \(typ Refresh\), not an access token; send the access token/,
    );
  });

  it("takes the provider's own tokens, typ at+jwt, and refuses other JWT types as RFC 9068 says", async () => {
    const real = await idp.token("reader-app", "mcp:read", RESOURCE);
    expect(decodeProtectedHeader(real).typ).toBe("at+jwt");
    const { url } = await serve();
    expect((await call(url, real, "read_notes")).status).toBe(200);
    const typed = (typ?: string) => issuerSigned({ scope: "mcp:read" }, "5m", typ === undefined ? {} : { typ });
    expect((await call(url, await typed("application/at+jwt"), "read_notes")).status).toBe(200);
    // Keycloak, Entra ID and Okta sign theirs JWT or not at all: refused by default, saying what to allow.
    await expectRefused(
      url,
      await typed("JWT"),
      /token's header says typ JWT, not at\+jwt, so it does not say it is an access token \(RFC 9068\); .*--allow-untyped-jwt/,
    );
    await expectRefused(url, await typed(), /token's header has no typ, not at\+jwt/);
    await expectRefused(url, await typed("dpop+jwt"), /says typ dpop\+jwt, not at\+jwt: it is another kind of JWT/);
  });

  it("takes untyped JWTs when told to, but never another kind of JWT", async () => {
    const { url } = await serve({ allowUntypedJwt: true });
    const typed = (typ?: string) => issuerSigned({ scope: "mcp:read" }, "5m", typ === undefined ? {} : { typ });
    expect((await call(url, await typed("JWT"), "read_notes")).status).toBe(200);
    expect((await call(url, await typed(), "read_notes")).status).toBe(200);
    expect((await call(url, await idp.token("reader-app", "mcp:read", RESOURCE), "read_notes")).status).toBe(200);
    await expectRefused(url, await typed("logout+jwt"), /says typ logout\+jwt, not at\+jwt: it is another kind/);
    // A refresh token is said to be one, though its header says JWT as Keycloak's does.
    await expectRefused(
      url,
      await issuerSigned({ scope: "mcp:read", typ: "Refresh" }, "5m", { typ: "JWT" }),
      /token is a refresh token \(typ Refresh\)/,
    );
  });

  it("refuses a tampered token", async () => {
    const { url } = await serve();
    const [header, payload, signature] = (await idp.token("reader-app", "mcp:read", RESOURCE)).split(".");
    const claims = JSON.parse(Buffer.from(payload as string, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: "mcp:read mcp:write" })).toString("base64url");
    await expectRefused(url, `${header}.${forged}.${signature}`, /signature does not verify/);
  });

  it("refuses a token signed by a key the issuer does not publish, and unsigned or HMAC tokens", async () => {
    const { url } = await serve();
    const claims = { scope: "mcp:read mcp:write", client_id: "reader-app" };
    const stranger = await newSigningKey("stranger");
    const signed = (alg: string, kid: string) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, kid, typ: "at+jwt" })
        .setIssuer(idp.issuer)
        .setAudience(RESOURCE)
        .setSubject("mallory")
        .setIssuedAt()
        .setExpirationTime("5m");
    await expectRefused(
      url,
      await signed("RS256", "stranger").sign(await importJWK(stranger, "RS256")),
      /key the issuer does not publish/,
    );
    // A token of another provider (its own issuer, its own key) is said to be that, not a key-rotation puzzle.
    const foreign = await signed("RS256", "stranger")
      .setIssuer("https://other-idp.example.test/realms/x")
      .sign(await importJWK(stranger, "RS256"));
    await expectRefused(
      url,
      foreign,
      new RegExp(
        `token was issued by another issuer \\(it names https://other-idp\\.example\\.test/realms/x, not ${idp.issuer.replaceAll(".", "\\.")}\\)`,
      ),
    );
    // HS256 keyed with the issuer's public key (the classic confusion), and alg "none".
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicKey } = idp.keys[0] as Record<string, string>;
    const hmac = await signed("HS256", idp.keys[0]?.kid as string).sign(
      new TextEncoder().encode(JSON.stringify(publicKey)),
    );
    await expectRefused(url, hmac, /algorithm that is not accepted/);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url")}.${Buffer.from(
      JSON.stringify({
        ...claims,
        iss: idp.issuer,
        aud: RESOURCE,
        sub: "mallory",
        exp: Math.floor(Date.now() / 1000) + 300,
      }),
    ).toString("base64url")}.`;
    await expectRefused(url, unsigned, /algorithm that is not accepted|not valid/);
  });

  it("follows a key rotation: an unknown kid refetches the JWKS, at most once per cooldown", async () => {
    const rotating = await startIdentityProvider({ scopes: ["mcp:read"], clients: CLIENTS.slice(0, 1) });
    // Only Date is faked, and stands still until moved: the cooldown is measured on it, and timers and I/O stay real.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      const cooldownMs = 60_000;
      const auth = await oauthAuthenticator(
        { issuer: rotating.issuer, resource: RESOURCE, jwksCooldownMs: cooldownMs },
        EMPTY_POLICY,
      );
      const endpoint = await serveHttp(notesFactory(), { host: "127.0.0.1", port: 0, auth });
      endpoints.push(endpoint);
      const before = await rotating.token("reader-app", "mcp:read", RESOURCE);
      expect((await call(endpoint.url, before, "read_notes")).status).toBe(200);
      expect(rotating.jwksFetches()).toBe(1);

      await rotating.rotateKeys();
      const after = await rotating.token("reader-app", "mcp:read", RESOURCE);
      // Within the cooldown the new key is not fetched: the token is refused, and the JWKS is not asked again. The
      // refusal says so, naming the key, rather than that the issuer does not publish it (it does, by now).
      vi.setSystemTime(Date.now() + cooldownMs - 1000);
      const kid = decodeProtectedHeader(after).kid as string;
      await expectRefused(
        endpoint.url,
        after,
        new RegExp(
          `signed with a key \\(kid ${kid}\\) that was not among those ${rotating.issuer.replaceAll(".", "\\.")} published when its keys were fetched 59 s ago; .*if the issuer has just rotated its keys, send the token again in 1 s`,
        ),
      );
      expect(rotating.jwksFetches()).toBe(1);
      // After it, one refetch finds the new key; tokens signed with the old key (still published) keep working.
      vi.setSystemTime(Date.now() + 2000);
      expect((await call(endpoint.url, after, "read_notes")).status).toBe(200);
      expect((await call(endpoint.url, before, "read_notes")).status).toBe(200);
      expect(rotating.jwksFetches()).toBe(2);
    } finally {
      vi.useRealTimers();
      await rotating.close();
    }
  });

  it("takes a token naming no kid while the issuer publishes two keys (a rotation), checked against each", async () => {
    const rotating = await startIdentityProvider({ scopes: ["mcp:read"], clients: CLIENTS.slice(0, 1) });
    try {
      await rotating.rotateKeys();
      const { url } = await serve({ issuer: rotating.issuer });
      const withoutKid = async (key: Record<string, unknown>) =>
        new SignJWT({ scope: "mcp:read" })
          .setProtectedHeader({ alg: "RS256", typ: "at+jwt" })
          .setIssuer(rotating.issuer)
          .setAudience(RESOURCE)
          .setSubject("user-42")
          .setExpirationTime("5m")
          .sign(await importJWK(key, "RS256"));
      for (const key of rotating.keys) expect((await call(url, await withoutKid(key), "read_notes")).status).toBe(200);
      // One signed by neither: its signature is refused, in those words, after both were tried.
      await expectRefused(url, await withoutKid(await newSigningKey("stranger")), /signature does not verify/);
    } finally {
      await rotating.close();
    }
  });

  /** The server's introspection client at the provider (registered above as mcp-server). */
  const introspectionSettings = () => ({
    url: `${idp.issuer}/token/introspection`,
    clientId: "mcp-server",
    clientSecret: "introspection-secret",
  });

  it("checks opaque tokens by RFC 7662 introspection, when it is configured", async () => {
    const introspection = introspectionSettings();
    const { url } = await serve({ resource: OPAQUE_RESOURCE, introspection });
    const token = await idp.token("writer-app", "mcp:read mcp:write", OPAQUE_RESOURCE);
    expect(token).not.toContain(".");
    const client = await connect(url, token);
    expect(await toolNames(client)).toEqual(["add_note", "read_notes", "slow_add_note"]);
    const elsewhere = await idp.token("writer-app", "mcp:read", "https://opaque.example.test/other");
    const refused = await call(url, elsewhere, "read_notes");
    expect(refused.status).toBe(401);
    // Named as a JWT's refusal names it: the audience the token should have carried.
    expect(refused.headers.get("www-authenticate")).toContain(
      `error_description="token was not issued for this resource (${OPAQUE_RESOURCE}); it names https://opaque.example.test/other in aud"`,
    );
    // One the provider does not know (expired, revoked or made up): the client is told to get a new one, and where.
    const unknown = await call(url, "made-up-opaque-token", "read_notes");
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("www-authenticate")).toContain(
      `error_description="token is not active at ${idp.issuer} (expired, revoked or not its own); get a new one"`,
    );

    const without = await serve({ resource: OPAQUE_RESOURCE });
    const plain = await call(without.url, token, "read_notes");
    expect(plain.status).toBe(401);
    expect(plain.headers.get("www-authenticate")).toMatch(/opaque tokens are not accepted here/);
  });

  it("refuses an opaque token at its first request after it is revoked: introspection asks the provider each time", async () => {
    const introspection = introspectionSettings();
    const { url } = await serve({ resource: OPAQUE_RESOURCE, introspection });
    const token = await idp.token("reader-app", "mcp:read", OPAQUE_RESOURCE);
    expect((await call(url, token, "read_notes")).status).toBe(200);
    await idp.revoke("reader-app", token);
    const refused = await call(url, token, "read_notes");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain("token is not active");
  });

  it("answers 503 with Retry-After (not 401) while the issuer cannot be reached: the token was not judged", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mcp-oauth-"));
    temps.push(dir);
    const audit = openAuditLog(path.join(dir, "audit.log"));
    const down = await serve({ issuer: "http://127.0.0.1:9", timeoutMs: 500 }, EMPTY_POLICY, { audit });
    const token = await idp.token("reader-app", "mcp:read", RESOURCE);
    const response = await call(down.url, token, "read_notes");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe(String(ISSUER_RETRY_AFTER_S));
    expect(response.headers.get("www-authenticate")).toBeNull();
    expect(await response.json()).toMatchObject({
      error: {
        code: -32001,
        message: expect.stringMatching(/^Service Unavailable: cannot check tokens: no authorization-server metadata/),
      },
    });
    // The audit trail does not count it as a caller refused: no token was judged.
    await audit.close();
    expect(JSON.parse(readFileSync(path.join(dir, "audit.log"), "utf8").trim()) as AuditEntry).toMatchObject({
      caller: null,
      outcome: "error",
      reason: expect.stringMatching(/^HTTP 503: cannot check tokens: /),
    });
  });

  it("answers 503 when the issuer's keys cannot be fetched, and serves the token once they can", async () => {
    const other = await startIdentityProvider({ scopes: ["mcp:read"], clients: CLIENTS.slice(0, 1) });
    let closed = false;
    try {
      const auth = await oauthAuthenticator({ issuer: other.issuer, resource: RESOURCE, timeoutMs: 500 }, EMPTY_POLICY);
      await auth.prepare?.(); // the metadata is known; the keys are fetched with the first token
      const token = await other.token("reader-app", "mcp:read", RESOURCE);
      await other.close();
      closed = true;
      const refused = await auth.authenticate(`Bearer ${token}`);
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      expect(refused.response.status).toBe(503);
      // Why, as fetch's cause says it: its own "fetch failed" does not.
      expect(refused.reason).toMatch(/^cannot fetch the keys of http:\/\/127\.0\.0\.1:\d+: fetch failed: \w/);
    } finally {
      if (!closed) await other.close();
    }
  });

  // The held keys' hour runs on the clock jose dates its fetches by, whatever clock tokens are judged by (`now`).
  it.each([
    ["", false],
    [", whatever clock tokens are judged by", true],
  ])(
    "checks tokens with the keys it holds while the issuer is down past their 10 minutes; an unseen key gets 503%s",
    async (_, ownClock) => {
      const other = await startIdentityProvider({ scopes: ["mcp:read"], clients: CLIENTS.slice(0, 1), ttlS: 3600 });
      let closed = false;
      // Only Date is faked: the JWKS's 10 minutes are measured on it, and timers and I/O stay real.
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
      try {
        const start = Date.now();
        const clock = ownClock ? { now: () => start } : {};
        const verifier = oauthVerifier({ issuer: other.issuer, resource: RESOURCE, timeoutMs: 500, ...clock });
        const token = await other.token("reader-app", "mcp:read", RESOURCE);
        await expect(verifier.verifyAccessToken(token)).resolves.toMatchObject({ scopes: ["mcp:read"] });
        await other.rotateKeys();
        const unseen = await other.token("reader-app", "mcp:read", RESOURCE);
        await other.close();
        closed = true;
        vi.setSystemTime(Date.now() + 11 * 60_000);
        await expect(verifier.verifyAccessToken(token)).resolves.toMatchObject({ scopes: ["mcp:read"] });
        await expect(verifier.verifyAccessToken(unseen)).rejects.toThrow(/^cannot fetch the keys of .*: fetch failed/);
        // A token the held keys refuse is still refused as the token it is, not as a pause.
        const [header, payload] = token.split(".");
        await expect(verifier.verifyAccessToken(`${header}.${payload}.AAAA`)).rejects.toThrow(
          "token signature does not verify",
        );
        // An hour after the last fetch that worked, the held keys no longer count: a withdrawn key must not stay good.
        vi.setSystemTime(Date.now() + HELD_KEYS_MAX_AGE_MS);
        await expect(verifier.verifyAccessToken(token)).rejects.toThrow(/^cannot fetch the keys of .*: fetch failed/);
      } finally {
        vi.useRealTimers();
        if (!closed) await other.close();
      }
    },
  );

  it("lets a failed fetch of the issuer's keys stand for a pause: tokens meanwhile are not each another request", async () => {
    let failing = true;
    let jwksRequests = 0;
    const issuerServer = createServer((req, res) => {
      if (req.url === "/jwks") {
        jwksRequests++;
        if (failing) return void res.writeHead(503).end();
        const { kid, kty, n, e } = idp.keys[0] as Record<string, string>;
        return void res.end(JSON.stringify({ keys: [{ kid, kty, n, e, alg: "RS256", use: "sig" }] }));
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    });
    await new Promise<void>((resolve) => issuerServer.listen(0, "127.0.0.1", resolve));
    const issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
    try {
      const key = idp.keys[0] as Record<string, string>;
      const token = await new SignJWT({ scope: "mcp:read" })
        .setProtectedHeader({ alg: "RS256", kid: key.kid as string, typ: "at+jwt" })
        .setIssuer(issuer)
        .setAudience(RESOURCE)
        .setSubject("user-42")
        .setExpirationTime("5m")
        .sign(await importJWK(key, "RS256"));
      const verifier = oauthVerifier({ issuer, resource: RESOURCE, discoveryRetryMs: 300 });
      await expect(verifier.verifyAccessToken(token)).rejects.toThrow(/^cannot fetch the keys of /);
      await expect(verifier.verifyAccessToken(token)).rejects.toThrow(/^cannot fetch the keys of /);
      expect(jwksRequests).toBe(1);
      // Once the pause is over, the next token asks again, and the keys that now come are used.
      failing = false;
      await new Promise((resolve) => setTimeout(resolve, 400));
      await expect(verifier.verifyAccessToken(token)).resolves.toMatchObject({ scopes: ["mcp:read"] });
      expect(jwksRequests).toBe(2);
    } finally {
      issuerServer.closeAllConnections();
      await new Promise<void>((resolve) => issuerServer.close(() => resolve()));
    }
  });

  it("answers 500 while the issuer's metadata names another issuer: a misconfiguration, not a pause", async () => {
    const wrong = await serve({ issuer: `${idp.issuer}/` });
    const token = await idp.token("reader-app", "mcp:read", RESOURCE);
    const response = await call(wrong.url, token, "read_notes");
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(/names issuer .*check --issuer/);
  });

  it("writes who did what to the audit trail, with the token's subject and client", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mcp-audit-"));
    temps.push(dir);
    const file = path.join(dir, "audit.log");
    const audit = openAuditLog(file);
    const { url } = await serve({}, EMPTY_POLICY, { audit });
    const writer = await idp.token("writer-app", "mcp:read mcp:write", RESOURCE);
    const reader = await idp.token("reader-app", "mcp:read", RESOURCE);
    const client = await connect(url, writer);
    await client.callTool({ name: "add_note", arguments: { text: "ship it", token: "hunter2-secret" } });
    expect((await call(url, reader, "add_note", { text: "x" })).status).toBe(403);
    await client.close();
    await audit.close();
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as AuditEntry);
    const added = lines.find((l) => l.tool === "add_note" && l.outcome === "ok");
    expect(added).toMatchObject({
      method: "tools/call",
      caller: { sub: "writer-app", client_id: "writer-app", token_name: null },
      reason: null,
    });
    expect(added?.args_preview).toBe('{"text":"ship it","token":"[redacted]"}');
    expect(added?.args_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(lines)).not.toContain("hunter2");
    expect(lines.find((l) => l.outcome === "refused")).toMatchObject({
      caller: { sub: "reader-app", client_id: "reader-app" },
      method: "tools/call",
      tool: "add_note",
      reason: expect.stringMatching(/not in the caller's roles/),
    });
  });
});

/** An issuer or introspection endpoint on 127.0.0.1 that takes each request and never answers. */
async function silentServer(): Promise<{ url: string; requests(): number; close(): Promise<void> }> {
  let requests = 0;
  const server = createServer(() => {
    requests++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("an issuer or introspection endpoint that takes the connection and never answers", () => {
  it("fails the tokens that come while its last look-up's failure stands without asking again, then asks again", async () => {
    const silent = await silentServer();
    try {
      const verifier = oauthVerifier({ issuer: silent.url, resource: RESOURCE, timeoutMs: 50, discoveryRetryMs: 1000 });
      const token = await issuerSigned({ scope: "mcp:read" }, "5m");
      await expect(verifier.verifyAccessToken(token)).rejects.toThrow(/no answer in 0.05 s/);
      const asked = silent.requests();
      expect(asked).toBeGreaterThanOrEqual(2); // both metadata URLs
      await expect(verifier.verifyAccessToken(token)).rejects.toThrow(/no answer in 0.05 s/);
      expect(silent.requests()).toBe(asked);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await expect(verifier.verifyAccessToken(token)).rejects.toThrow(/no answer in 0.05 s/);
      expect(silent.requests()).toBe(asked * 2);
    } finally {
      await silent.close();
    }
  });

  it("is said to give no answer in so many seconds when it is the issuer's JWKS, not in jose's words", async () => {
    const silent = await silentServer();
    // Metadata that answers, pointing at keys that never do.
    const metadata = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ issuer, jwks_uri: `${silent.url}/jwks` }));
    });
    await new Promise<void>((resolve) => metadata.listen(0, "127.0.0.1", resolve));
    const issuer = `http://127.0.0.1:${(metadata.address() as AddressInfo).port}`;
    try {
      const verifier = oauthVerifier({ issuer, resource: RESOURCE, timeoutMs: 100 });
      const token = await issuerSigned({ scope: "mcp:read" }, "5m");
      await expect(verifier.verifyAccessToken(token)).rejects.toThrow(
        `cannot fetch the keys of ${issuer}: no answer in 0.1 s`,
      );
    } finally {
      metadata.closeAllConnections();
      await new Promise<void>((resolve) => metadata.close(() => resolve()));
      await silent.close();
    }
  });

  it("is said to give no answer in so many seconds, naming each place asked", async () => {
    const silent = await silentServer();
    try {
      const failure = await discoverIssuer(silent.url, { timeoutMs: 100 }).catch((e: Error) => e);
      expect((failure as Error).message).toBe(
        `no authorization-server metadata for ${silent.url} (${silent.url}/.well-known/oauth-authorization-server: no answer in 0.1 s; ${silent.url}/.well-known/openid-configuration: no answer in 0.1 s)`,
      );
      const verifier = oauthVerifier({
        issuer: idp.issuer,
        resource: OPAQUE_RESOURCE,
        introspection: { url: `${silent.url}/introspect`, clientId: "mcp-server", clientSecret: "s" },
        timeoutMs: 100,
      });
      await expect(verifier.verifyAccessToken("an-opaque-token")).rejects.toThrow(
        `token introspection at ${silent.url}/introspect failed: no answer in 0.1 s`,
      );
    } finally {
      await silent.close();
    }
  });
});
