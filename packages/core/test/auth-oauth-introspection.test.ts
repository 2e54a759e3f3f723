import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { OAuthOptions } from "../src/auth-oauth.js";
import { oauthAuthenticator } from "../src/auth-oauth-authenticator.js";
import { introspectedAuthInfo, tokenIntrospector } from "../src/auth-oauth-introspection.js";
import { EMPTY_POLICY } from "../src/auth-roles.js";

const ISSUER = "https://id.example.test";
const RESOURCE = "https://opaque.example.test/mcp";
const NOW_S = 1_800_000_000;
const OPTIONS: OAuthOptions = { issuer: ISSUER, resource: RESOURCE, now: () => NOW_S * 1000 };

describe("introspectedAuthInfo", () => {
  const active = { active: true, aud: RESOURCE, iss: ISSUER, sub: "user-42", client_id: "app", scope: "mcp:read" };
  it.each<[string, Record<string, unknown>, OAuthOptions, string]>([
    [
      "inactive",
      { active: false },
      OPTIONS,
      `token is not active at ${ISSUER} (expired, revoked or not its own); get a new one`,
    ],
    ["active as a string", { ...active, active: "true" }, OPTIONS, "token is not active"],
    ["a refresh token", { ...active, token_type: "refresh_token" }, OPTIONS, "token is a refresh token"],
    [
      "another issuer",
      { ...active, iss: "https://other.example.test" },
      OPTIONS,
      `issued by another issuer (it names https://other.example.test, not ${ISSUER})`,
    ],
    [
      "another audience",
      { ...active, aud: `${RESOURCE}/` },
      OPTIONS,
      `resource (${RESOURCE}); it names ${RESOURCE}/ in aud`,
    ],
    ["no audience", { ...active, aud: undefined }, OPTIONS, `resource (${RESOURCE}); it names nothing in aud`],
    ["the resource, not the audience", active, { ...OPTIONS, audience: "api://mcp" }, "resource (api://mcp)"],
    ["not valid for 61 s", { ...active, nbf: NOW_S + 61 }, OPTIONS, "token is not valid yet"],
    ["expired 61 s ago", { ...active, exp: NOW_S - 61 }, OPTIONS, "token has expired"],
    ["an exp as a string", { ...active, exp: String(NOW_S + 300) }, OPTIONS, "exp (expiry) claim is not a number"],
  ])("refuses %s", (_, claims, options, reason) => {
    expect(() => introspectedAuthInfo("opaque", claims, options)).toThrow(reason);
  });

  it.each<[string, Record<string, unknown>, OAuthOptions]>([
    ["an active access token", active, OPTIONS],
    ["no iss", { ...active, iss: undefined }, OPTIONS],
    ["one of several audiences", { ...active, aud: ["https://other.example.test", RESOURCE] }, OPTIONS],
    ["the configured audience", { ...active, aud: "api://mcp" }, { ...OPTIONS, audience: "api://mcp" }],
    ["within the clock skew", { ...active, nbf: NOW_S + 59, exp: NOW_S - 59 }, OPTIONS],
    ["no exp (RFC 7662 makes it optional)", { ...active, exp: undefined }, OPTIONS],
  ])("takes %s", (_, claims, options) => {
    expect(introspectedAuthInfo("opaque", claims, options)).toMatchObject({
      token: "opaque",
      clientId: "app",
      scopes: ["mcp:read"],
      extra: { sub: "user-42" },
    });
  });
});

/** An introspection endpoint on 127.0.0.1 answering with `listener`; counts the requests. */
async function endpoint(listener: RequestListener) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("tokenIntrospector", () => {
  it("refuses opaque tokens when no introspection endpoint is configured", async () => {
    await expect(tokenIntrospector(OPTIONS)("opaque")).rejects.toThrow(
      "opaque tokens are not accepted here (no introspection endpoint is configured)",
    );
  });

  it("refuses a refresh token the endpoint answers active, for this resource, as not an access token", async () => {
    const answer = { active: true, aud: RESOURCE, token_type: "refresh_token", sub: "user-42" };
    const server = await endpoint((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(answer));
    });
    try {
      const introspect = tokenIntrospector({
        ...OPTIONS,
        introspection: { url: server.url, clientId: "c", clientSecret: "s" },
      });
      await expect(introspect("an-opaque-refresh-token")).rejects.toThrow(
        "token is a refresh token (token_type refresh_token), not an access token; send the access token",
      );
    } finally {
      await server.close();
    }
  });

  it("has at most maxIntrospections tokens waiting on it: more get 503 at once, not a request each", async () => {
    const silent = await endpoint(() => {});
    try {
      const introspect = tokenIntrospector({
        ...OPTIONS,
        introspection: { url: silent.url, clientId: "mcp-server", clientSecret: "s" },
        timeoutMs: 300,
        maxIntrospections: 3,
      });
      const flood = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => introspect(`made-up-${i}`)));
      const reasons = flood.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "accepted"));
      expect(reasons.filter((r) => r.includes("no answer in 0.3 s"))).toHaveLength(3);
      expect(reasons.filter((r) => r.includes("3 tokens are already waiting on"))).toHaveLength(5);
      expect(silent.requests()).toBe(3);
      // Their places are free again once they are answered (here: given up on).
      await expect(introspect("one-more")).rejects.toThrow(/no answer in 0.3 s/);
      expect(silent.requests()).toBe(4);
    } finally {
      await silent.close();
    }
  });
});

describe("an opaque token through the authenticator", () => {
  it("is served when its provider answers active with no exp, and its AuthInfo claims none", async () => {
    const answer = { active: true, aud: RESOURCE, iss: ISSUER, sub: "user-42", client_id: "app", scope: "mcp:read" };
    const server = await endpoint((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(answer));
    });
    try {
      const auth = await oauthAuthenticator(
        { issuer: ISSUER, resource: RESOURCE, introspection: { url: server.url, clientId: "c", clientSecret: "s" } },
        EMPTY_POLICY,
      );
      const verdict = await auth.authenticate("Bearer an-opaque-token");
      // Was refused by the SDK's own check, in its words: "Token has no expiration time".
      expect(verdict).toMatchObject({ ok: true, caller: { id: "user-42", roles: new Set(["reader"]) } });
      expect(verdict.ok && verdict.authInfo?.expiresAt).toBeUndefined();
      // One with an exp keeps it, the token's own (not the tolerated deadline the SDK is shown).
      const exp = Math.floor(Date.now() / 1000) + 300;
      Object.assign(answer, { exp });
      expect(await auth.authenticate("Bearer an-opaque-token")).toMatchObject({
        ok: true,
        authInfo: { expiresAt: exp },
      });
    } finally {
      await server.close();
    }
  });
});
