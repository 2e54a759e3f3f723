import { describe, expect, it } from "vitest";
import { refreshTokenClaim } from "../src/auth-oauth-claims.js";

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
