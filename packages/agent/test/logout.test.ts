// --logout against a real authorization server (oidc-provider on 127.0.0.1): with revocation (RFC 7009) the refresh
// token is dead at the token endpoint afterwards; without it, or when revocation fails, the login is forgotten here
// all the same and the line says the tokens stay valid, which a real refresh then shows.
import { PassThrough } from "node:stream";
import {
  discoverAuthorizationServerMetadata,
  type OAuthClientInformationMixed,
  OAuthError,
  refreshAuthorization,
} from "@modelcontextprotocol/client";
import { afterEach, describe, expect, it } from "vitest";
import { logout, logoutLine } from "../src/logout.js";
import { cleanup, logIn, setUp } from "./fixtures/oauth-world.js";

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A login to "remote", and what it stored: the refresh token and the client it was issued to. */
async function loggedIn(revocation: boolean, opaqueAccessTokens = false) {
  const world = await setUp(undefined, undefined, { revocation, opaqueAccessTokens });
  expect((await logIn(world.config, world.env)).code).toBe(0);
  const held = world.store.read(world.resource);
  const refreshToken = held.tokens?.refresh_token as string;
  expect(refreshToken).toBeTruthy();
  return { ...world, refreshToken, client: held.client as OAuthClientInformationMixed };
}

/** `--logout remote`: its exit code and the line it printed. */
async function logOut(world: Awaited<ReturnType<typeof loggedIn>>, timeoutMs?: number) {
  const stderr = new PassThrough();
  const code = await logout(world.config, "remote", { stderr, env: world.env, timeoutMs });
  return { code, line: String(stderr.read() ?? "") };
}

/** A real refresh at the provider's token endpoint with the token --logout held. */
async function refresh(world: Awaited<ReturnType<typeof loggedIn>>) {
  const metadata = await discoverAuthorizationServerMetadata(world.as.issuer);
  return refreshAuthorization(world.as.issuer, {
    metadata,
    clientInformation: world.client,
    refreshToken: world.refreshToken,
  });
}

describe("--logout", () => {
  it("revokes the refresh token at the authorization server: a refresh with it then fails with invalid_grant", async () => {
    const world = await loggedIn(true);
    const { code, line } = await logOut(world);
    // The provider's access tokens are JWTs, which it cannot revoke (RFC 7009 unsupported_token_type); the line says so.
    expect(line).toBe(
      `mcp-agent: logged out of remote: revoked at ${world.as.issuer}, except the access token, which it cannot revoke (unsupported_token_type) and which stays valid until it expires\n`,
    );
    expect(code).toBe(0);
    expect(world.as.seen.filter((s) => s === "POST /token/revocation")).toHaveLength(2);
    expect(world.store.read(world.resource)).toEqual({ serverUrl: world.resource });
    const refused = await refresh(world).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(OAuthError);
    expect((refused as OAuthError).code).toBe("invalid_grant");
  });

  it("revokes both tokens where the server can revoke access tokens too (reference tokens)", async () => {
    const world = await loggedIn(true, true);
    const { code, line } = await logOut(world);
    expect(line).toBe(`mcp-agent: logged out of remote: tokens revoked at ${world.as.issuer}\n`);
    expect(code).toBe(0);
    expect(world.as.seen.filter((s) => s === "POST /token/revocation")).toHaveLength(2);
    await expect(refresh(world)).rejects.toMatchObject({ code: "invalid_grant" });
  });

  it("finds the authorization server through the MCP server for tokens stored without an issuer stamp", async () => {
    const world = await loggedIn(true);
    world.store.update(world.resource, (l) => ({
      ...l,
      tokens: { ...(l.tokens as { access_token: string; token_type: string }), issuer: undefined },
    }));
    const { code, line } = await logOut(world);
    expect(code).toBe(0);
    expect(line).toContain(`logged out of remote: revoked at ${world.as.issuer}, except the access token`);
    await expect(refresh(world)).rejects.toMatchObject({ code: "invalid_grant" });
  });

  it("forgets the login where the server offers no revocation, and says the tokens stay valid (they do)", async () => {
    const world = await loggedIn(false);
    const { code, line } = await logOut(world);
    expect(line).toBe(
      `mcp-agent: logged out of remote (forgotten here; ${world.as.issuer} offers no revocation endpoint, so the tokens stay valid until they expire)\n`,
    );
    expect(code).toBe(0);
    expect(world.as.seen).not.toContain("POST /token/revocation");
    expect(world.store.read(world.resource)).toEqual({ serverUrl: world.resource });
    expect((await refresh(world)).access_token).toBeTruthy();
  });

  it("forgets the login when the revocation endpoint answers 503, says why, and exits 1: the tokens stay valid", async () => {
    const world = await loggedIn(true);
    world.as.failRevocation = 503;
    const { code, line } = await logOut(world);
    expect(line).toBe(
      `mcp-agent: logged out of remote (forgotten here), but revocation at ${world.as.issuer} failed: refresh token: HTTP 503; the tokens stay valid until they expire\n`,
    );
    expect(code).toBe(1);
    expect(world.store.read(world.resource)).toEqual({ serverUrl: world.resource });
    expect((await refresh(world)).access_token).toBeTruthy();
  });

  it("gives up on a revocation endpoint that never answers, and has forgotten the login all the same", async () => {
    const world = await loggedIn(true);
    world.as.failRevocation = "hang";
    const { code, line } = await logOut(world, 500);
    expect(line).toBe(
      `mcp-agent: logged out of remote (forgotten here), but revocation at ${world.as.issuer} failed: no answer within 0.5 s; the tokens stay valid until they expire\n`,
    );
    expect(code).toBe(1);
    expect(world.store.read(world.resource)).toEqual({ serverUrl: world.resource });
  });

  it("forgets the login when the authorization server cannot be reached at all", async () => {
    const world = await loggedIn(true);
    await world.as.close();
    const { code, line } = await logOut(world);
    // Refused, or a kept-alive connection closed: the network's words, on the one line.
    const start = `mcp-agent: logged out of remote (forgotten here), but revocation at ${world.as.issuer} failed: `;
    expect(line.startsWith(start)).toBe(true);
    expect(line.slice(start.length)).toMatch(/^[^\n]+; the tokens stay valid until they expire\n$/);
    expect(code).toBe(1);
    expect(world.store.read(world.resource)).toEqual({ serverUrl: world.resource });
  });

  it("revokes as mcp.json's pre-registered client (a public one here), whose registration is not stored", async () => {
    const world = await setUp(
      (port) => ({ clientId: "mcp-agent-cli", callbackPort: port }),
      (port) => [{ client_id: "mcp-agent-cli", redirect_uris: [`http://127.0.0.1:${port}/callback`] }],
      { revocation: true },
    );
    expect((await logIn(world.config, world.env)).code).toBe(0);
    const refreshToken = world.store.read(world.resource).tokens?.refresh_token as string;
    const { code, line } = await logOut({ ...world, refreshToken, client: { client_id: "mcp-agent-cli" } });
    expect(code).toBe(0);
    expect(line).toContain(`logged out of remote: revoked at ${world.as.issuer}, except the access token`);
    await expect(refresh({ ...world, refreshToken, client: { client_id: "mcp-agent-cli" } })).rejects.toMatchObject({
      code: "invalid_grant",
    });
  });

  it("says so when there is no login, or only a registered client, and sends nothing", async () => {
    const world = await setUp(undefined, undefined, { revocation: true });
    const none = await logOut({ ...world, refreshToken: "", client: { client_id: "x" } });
    expect(none).toEqual({ code: 0, line: "mcp-agent: remote had no stored login\n" });
    world.store.update(world.resource, (l) => ({ ...l, client: { client_id: "registered" } }));
    const clientOnly = await logOut({ ...world, refreshToken: "", client: { client_id: "x" } });
    expect(clientOnly).toEqual({ code: 0, line: "mcp-agent: logged out of remote (it held no tokens to revoke)\n" });
    expect(world.as.seen).toEqual([]);
  });
});

describe("logoutLine", () => {
  const issuer = "https://as.example";
  it.each([
    [
      { kind: "revoked", issuer, revoked: ["refresh_token", "access_token"], kept: [] },
      "logged out of remote: tokens revoked at https://as.example",
    ],
    [
      { kind: "revoked", issuer, revoked: [], kept: ["access_token"] },
      "logged out of remote (forgotten here; https://as.example cannot revoke these tokens (unsupported_token_type), so they stay valid until they expire)",
    ],
    // What the server says is shown on the one line, without what a terminal would act on.
    [
      { kind: "failed", issuer, reason: "HTTP 400 (invalid_request: bad\n\u001b[31mred\u001b[0m)" },
      "logged out of remote (forgotten here), but revocation at https://as.example failed: HTTP 400 (invalid_request: bad [31mred[0m); the tokens stay valid until they expire",
    ],
  ] as const)("%j", (outcome, line) => {
    expect(logoutLine("remote", outcome as Parameters<typeof logoutLine>[1])).toBe(line);
  });
});
