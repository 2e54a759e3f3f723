import { describe, expect, it } from "vitest";
import { isOAuthDiscoveryPath, noOAuthAnswer } from "../src/no-oauth.js";

describe("isOAuthDiscoveryPath", () => {
  it.each([
    ["/.well-known/oauth-protected-resource", true],
    ["/.well-known/oauth-protected-resource/mcp", true],
    ["/.well-known/oauth-authorization-server", true],
    ["/.well-known/openid-configuration", true],
    ["/mcp/.well-known/openid-configuration", true],
    ["/register", true],
    ["/authorize", true],
    ["/token", true],
    ["/healthz", false],
    ["/mcp", false],
    ["/registers", false],
    ["/.well-known/security.txt", false],
  ])("%s → %s", (path, expected) => {
    expect(isOAuthDiscoveryPath(path)).toBe(expected);
  });
});

describe("noOAuthAnswer", () => {
  it("is an OAuth error whose description says to send the token to the endpoint", () => {
    const answer = noOAuthAnswer("/mcp");
    expect(answer.error).toBe("not_found");
    expect(answer.error_description).toMatch(/to \/mcp, in the header Authorization: Bearer <token>/);
  });
});
