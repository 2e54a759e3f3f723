import { describe, expect, it } from "vitest";
import { loginFailureHint } from "../src/login-hints.js";

describe("loginFailureHint", () => {
  const REFUSED_SCOPE = "the authorization server said invalid_scope: requested scope is not allowed";
  it.each<[string, string | undefined, string]>([
    [
      REFUSED_SCOPE,
      undefined,
      "; the scope asked for is every scope in db's metadata (scopes_supported): set oauth.scope in its mcp.json entry to those the authorization server grants this client",
    ],
    [
      REFUSED_SCOPE,
      "mcp:write",
      `; the scope asked for is db's oauth.scope in mcp.json ("mcp:write"): set it to scopes the authorization server grants this client`,
    ],
    ["the authorization server said access_denied: End-User aborted interaction", undefined, ""],
    ['Dynamic Client Registration rejected (HTTP 400): {"error":"invalid_redirect_uri"}', undefined, ""],
  ])("loginFailureHint(%j, %j): what to change, only for a failure it can name", (failure, configured, hint) => {
    expect(loginFailureHint(failure, "db", configured)).toBe(hint);
  });
});
