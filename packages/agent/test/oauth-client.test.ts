import { describe, expect, it } from "vitest";
import { LoginRequired, NotAuthorized, notAuthorizedText } from "../src/oauth-client.js";

const REFUSED = 'Bearer realm="mcp", error="invalid_token", error_description="the token is not MCP_AUTH_TOKEN"';

describe("notAuthorizedText", () => {
  it.each([
    [
      "no credentials given, a bare challenge: where they go",
      { credentialHeaders: [], challenge: 'Bearer realm="mcp"' },
      'Unauthorized (HTTP 401), and remote publishes no OAuth metadata: give its credentials in its mcp.json "headers" (an Authorization header whose value names an environment variable, as in examples/mcp.json)',
    ],
    [
      "no credentials given, and the server says why",
      { credentialHeaders: [], challenge: 'Bearer error="invalid_request", error_description="no token"' },
      'Unauthorized (HTTP 401), and remote publishes no OAuth metadata: give its credentials in its mcp.json "headers" (an Authorization header whose value names an environment variable, as in examples/mcp.json); it says invalid_request: "no token"',
    ],
    [
      "a configured header refused: the server's reason, not advice to give it",
      { credentialHeaders: ["Authorization"], challenge: REFUSED },
      'Unauthorized (HTTP 401): remote refused the credentials given in its mcp.json "headers" (Authorization), saying invalid_token: "the token is not MCP_AUTH_TOKEN" — check the value sent: the environment variable the header names must hold what the server expects',
    ],
    [
      "a configured header refused without a reason",
      { credentialHeaders: ["X-Api-Key"], challenge: undefined },
      'Unauthorized (HTTP 401): remote refused the credentials given in its mcp.json "headers" (X-Api-Key) — check the value sent: the environment variable the header names must hold what the server expects',
    ],
  ])("%s", (_case, refusal, expected) => {
    expect(notAuthorizedText("remote", refusal)).toBe(expected);
  });

  it("is the NotAuthorized error's message", () => {
    const error = new NotAuthorized("remote", { credentialHeaders: ["Authorization"], challenge: REFUSED });
    expect(error.name).toBe("NotAuthorized");
    expect(error.message).toBe(
      notAuthorizedText("remote", { credentialHeaders: ["Authorization"], challenge: REFUSED }),
    );
  });
});

describe("LoginRequired", () => {
  it.each([
    ["./mcp.json", undefined, "run pnpm agent --login team-db (mcp-agent --login team-db)"],
    [
      "a --config file, which the login needs too",
      "/srv/mcp/servers.json",
      "run pnpm agent --config /srv/mcp/servers.json --login team-db (mcp-agent --config /srv/mcp/servers.json --login team-db)",
    ],
    [
      "a path a shell would split, quoted",
      "/home/me/my servers/it's.json",
      "run pnpm agent --config '/home/me/my servers/it'\\''s.json' --login team-db",
    ],
  ])("says what to run: %s", (_case, configFile, expected) => {
    expect(new LoginRequired("team-db", configFile).message).toContain(expected);
  });
});
