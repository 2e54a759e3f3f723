import { describe, expect, it } from "vitest";
import { accessTokenTypProblem, authInfoOf, namedInClaim, refreshTokenClaim } from "../src/auth-oauth-claims.js";

describe("authInfoOf", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["scope, space-separated (RFC 9068)", { scope: "mcp:read mcp:write" }, ["mcp:read", "mcp:write"]],
    ["scp as a list (Okta)", { scp: ["mcp:read"] }, ["mcp:read"]],
    ["an app-only token's roles (Entra)", { roles: ["MCP.Write"] }, ["MCP.Write"]],
    // A delegated token's roles are its user's app roles, not what the client was granted: the policy's claims.
    [
      "a delegated token's scp, never its roles",
      { scp: "user_impersonation", roles: ["MCP.Write"] },
      ["user_impersonation"],
    ],
    ["an empty scope, never roles in its place", { scope: "", roles: ["MCP.Write"] }, []],
    ["an empty scp, never roles in its place", { scp: [], roles: ["MCP.Write"] }, []],
    ["nothing", {}, []],
  ])("%s", (_, claims, scopes) => {
    expect(authInfoOf("t", claims, "https://mcp.example.test/mcp").scopes).toEqual(scopes);
  });

  it("hands on every claim, for the policy's claims to be read", () => {
    const claims = { sub: "u", groups: ["MCP Admins"] };
    expect(authInfoOf("t", claims, "https://mcp.example.test/mcp").extra).toEqual({ sub: "u", claims });
  });
});

describe("refreshTokenClaim", () => {
  it.each([
    [{ token_type: "refresh_token" }, "token_type refresh_token"],
    [{ token_use: "refresh_token" }, "token_use refresh_token"],
    [{ typ: "Refresh" }, "typ Refresh"],
    [{ typ: 'Refresh"\n' }, "typ Refresh??"],
    [{ typ: "Offline" }, "typ Offline"],
    [{ token_type: "Bearer", typ: "Bearer" }, undefined],
    [{ token_use: "access_token" }, undefined],
    [{ token_type: 7 }, undefined],
    [{}, undefined],
  ])("%j → %s", (claims, claim) => {
    expect(refreshTokenClaim(claims)).toBe(claim);
  });
});

describe("accessTokenTypProblem", () => {
  it.each<[unknown, boolean, RegExp | undefined]>([
    ["at+jwt", false, undefined],
    ["application/at+jwt", false, undefined],
    ["AT+JWT", false, undefined],
    ["JWT", false, /^token's header says typ JWT, not at\+jwt, so it does not say it is an access token \(RFC 9068\)/],
    ["jwt", false, /says typ jwt, not at\+jwt.*--allow-untyped-jwt/],
    [undefined, false, /^token's header has no typ, not at\+jwt.*--allow-untyped-jwt.*allowUntypedJwt: true\)$/],
    ["JWT", true, undefined],
    ["application/jwt", true, undefined],
    [undefined, true, undefined],
    // Another kind of JWT is no access token, whatever the server allows.
    [
      "dpop+jwt",
      true,
      /^token's header says typ dpop\+jwt, not at\+jwt: it is another kind of JWT, not an access token/,
    ],
    ["logout+jwt", false, /another kind of JWT/],
    ["", true, /says typ , not at\+jwt: it is another kind/],
    [7, true, /says typ of type number/],
    ['at+jwt"\r\n', true, /says typ at\+jwt\?\?\?, not at\+jwt/],
  ])("%j (untyped allowed: %s) → %s", (typ, allowUntyped, problem) => {
    const found = accessTokenTypProblem(typ, allowUntyped);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });
});

describe("namedInClaim", () => {
  it.each<[unknown, string]>([
    ["https://mcp.example.com/mcp/", "https://mcp.example.com/mcp/"],
    [["api://mcp", "https://mcp.example.com"], "api://mcp, https://mcp.example.com"],
    [["a", "b", "c", "d", "e"], "a, b, c and 2 more"],
    ['https://x.test/"\n<script>', "https://x.test/???script?"],
    ["x".repeat(300), "x".repeat(200)],
    [undefined, "nothing"],
    [[7, null], "nothing"],
  ])("%j → %s", (value, said) => {
    expect(namedInClaim(value)).toBe(said);
  });
});
