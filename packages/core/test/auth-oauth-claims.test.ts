import { describe, expect, it } from "vitest";
import { accessTokenTypProblem, namedInClaim, refreshTokenClaim } from "../src/auth-oauth-claims.js";

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
