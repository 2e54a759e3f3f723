import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { login } from "../src/login.js";
import { LoginRequired, NotAuthorized, notAuthorizedText } from "../src/login-errors.js";
import { AgentOAuthProvider } from "../src/oauth-client.js";
import { refreshTokenIn } from "../src/token-refresh.js";
import { type StoredLogin, TokenStore } from "../src/token-store.js";
import { cleanup, logIn, setUp, startPool } from "./fixtures/oauth-world.js";

const textOf = (r: { content?: unknown }) => (r.content as { text: string }[])[0]?.text;

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

  it("quotes why the server refused a token given in mcp.json's headers, which a login would replace", () => {
    const refused = { credentialHeaders: ["Authorization"], challenge: REFUSED };
    expect(new LoginRequired("team-db", undefined, refused).message).toBe(
      'team-db needs you to log in (OAuth): run pnpm agent --login team-db (mcp-agent --login team-db); it refused the credentials given in its mcp.json "headers" (Authorization), saying invalid_token: "the token is not MCP_AUTH_TOKEN"',
    );
    // No headers were given: nothing to quote.
    expect(
      new LoginRequired("team-db", undefined, { credentialHeaders: [], challenge: REFUSED }).message,
    ).not.toContain("refused");
  });
});

describe("a token store shared with other sessions and logins", () => {
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("a refused refresh clears the stored tokens only if they are still the ones that failed", () => {
    const store = new TokenStore(mkdtempSync(join(tmpdir(), "agent-oauth-store-")));
    const serverUrl = "http://127.0.0.1:1/mcp";
    const old = { access_token: "a1", token_type: "Bearer", refresh_token: "r1" };
    store.update(serverUrl, (l) => ({ ...l, client: { client_id: "c" }, tokens: old }));
    const provider = new AgentOAuthProvider({ server: "remote", serverUrl, store });
    expect(provider.tokens()).toEqual(old);
    // A --login elsewhere replaces them before this session's refresh with r1 is refused.
    const fresh = { access_token: "a2", token_type: "Bearer", refresh_token: "r2" };
    store.update(serverUrl, (l) => ({ ...l, tokens: fresh }));
    provider.invalidateCredentials("tokens");
    expect(store.read(serverUrl).tokens).toEqual(fresh);
    // The retry reads the new ones; refused in turn, they are cleared (the client stays).
    expect(provider.tokens()).toEqual(fresh);
    provider.invalidateCredentials("tokens");
    expect(store.read(serverUrl).tokens).toBeUndefined();
    expect(store.read(serverUrl).client).toEqual({ client_id: "c" });
  });

  it("a fresh login's provider leaves the file alone until its tokens come: refusals and a new client stay in memory", () => {
    const store = new TokenStore(mkdtempSync(join(tmpdir(), "agent-oauth-store-")));
    const serverUrl = "http://127.0.0.1:1/mcp";
    const running = { access_token: "a1", token_type: "Bearer", refresh_token: "r1" };
    const stored = store.update(serverUrl, (l) => ({ ...l, client: { client_id: "old" }, tokens: running }));
    const interactive = { redirectUrl: "http://127.0.0.1:2/callback", onAuthorizationUrl: () => {} };
    const provider = new AgentOAuthProvider({
      server: "remote",
      serverUrl,
      store,
      interactive,
      fresh: { keepClient: false },
    });
    expect(provider.tokens()).toBeUndefined();
    expect(provider.clientInformation()).toBeUndefined();
    provider.saveClientInformation({ client_id: "new" });
    expect(provider.clientInformation()).toEqual({ client_id: "new" });
    provider.invalidateCredentials("all");
    expect(provider.clientInformation()).toBeUndefined();
    provider.saveClientInformation({ client_id: "newer" });
    expect(store.read(serverUrl)).toEqual(stored);
    const fresh = { access_token: "a2", token_type: "Bearer", refresh_token: "r2" };
    provider.saveTokens(fresh);
    expect(store.read(serverUrl)).toMatchObject({ client: { client_id: "newer" }, tokens: fresh });
  });

  it("--login with a good login stored still starts afresh, through the browser, instead of refreshing it", async () => {
    const { env, config, store, resource } = await setUp();
    expect((await logIn(config, env)).code).toBe(0);
    const first = store.read(resource).tokens;
    const again = await logIn(config, env);
    expect(again.code).toBe(0);
    expect(again.browser?.status).toBe(200);
    expect(store.read(resource).tokens?.refresh_token).not.toBe(first?.refresh_token);
  });

  it("a --login in progress, then abandoned, leaves running sessions logged in, client and tokens as they were", async () => {
    const { as, env, config, spec, store, resource } = await setUp();
    expect((await logIn(config, env)).code).toBe(0);
    const before = store.read(resource);
    const { pool, failures } = await startPool(spec, env);
    expect(failures).toEqual([]);
    const registrations = as.seen.filter((s) => s === "POST /reg").length;
    const controller = new AbortController();
    let during: string | undefined;
    const abandoned = login(config, "remote", {
      stderr: new PassThrough(),
      env,
      signal: controller.signal,
      onAuthorizationUrl: async () => {
        // The browser step has begun: the running session still calls with the stored login.
        during = textOf(await pool.call("remote", "add", { a: 1, b: 1 }, { timeoutMs: 10_000 }));
        controller.abort();
      },
    });
    await expect(abandoned).rejects.toThrow("--login remote: interrupted");
    expect(during).toBe("2");
    // The login's loopback port differs from the first one's, so it registered a client of its own, kept in memory.
    expect(as.seen.filter((s) => s === "POST /reg").length).toBe(registrations + 1);
    expect(store.read(resource)).toEqual(before);
    expect(textOf(await pool.call("remote", "add", { a: 2, b: 3 }, { timeoutMs: 10_000 }))).toBe("5");
  });

  it("a --login that succeeds stores its new client and tokens together, and the running session goes on with them", async () => {
    const { env, config, spec, store, resource } = await setUp();
    expect((await logIn(config, env)).code).toBe(0);
    const before = store.read(resource);
    const { pool } = await startPool(spec, env);
    expect(textOf(await pool.call("remote", "add", { a: 1, b: 1 }, { timeoutMs: 10_000 }))).toBe("2");
    expect((await logIn(config, env)).code).toBe(0);
    const after = store.read(resource);
    expect(after.client?.client_id).not.toBe(before.client?.client_id);
    expect(after.tokens?.refresh_token).not.toBe(before.tokens?.refresh_token);
    expect(textOf(await pool.call("remote", "add", { a: 2, b: 2 }, { timeoutMs: 10_000 }))).toBe("4");
  });

  it("a refused refresh keeps newer tokens a concurrent request of this session read meanwhile", async () => {
    const { as, env, config, store, resource } = await setUp(undefined, undefined, { revocation: true });
    expect((await logIn(config, env)).code).toBe(0);
    const first = store.read(resource);
    // T1's refresh token is revoked: this session's refresh with it will get invalid_grant.
    const revoked = await fetch(`${as.issuer}/token/revocation`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: first.tokens?.refresh_token ?? "", client_id: first.client?.client_id ?? "" }),
    });
    expect(revoked.status).toBe(200);
    const provider = new AgentOAuthProvider({ server: "remote", serverUrl: resource, store });
    let second: StoredLogin | undefined;
    const network = provider.watchTokenRequests(async (input, init) => {
      if (second === undefined && refreshTokenIn(init?.body) !== undefined) {
        // While the refresh with T1 is on its way: a --login elsewhere stores T2, and a concurrent request of this
        // session reads T2 for its header.
        expect((await logIn(config, env)).code).toBe(0);
        second = store.read(resource);
        expect(provider.tokens()).toEqual(second.tokens);
      }
      return fetch(input, init);
    });
    const { auth } = await import("@modelcontextprotocol/client");
    // The refusal clears nothing of T2's, and the SDK's retry refreshes with T2.
    expect(await auth(provider, { serverUrl: resource, fetchFn: network })).toBe("AUTHORIZED");
    expect(second?.tokens?.refresh_token).not.toBe(first.tokens?.refresh_token);
    expect(store.read(resource).tokens?.access_token).toBeTruthy();
    expect(store.read(resource).client).toEqual(second?.client);
  });

  it("two sessions: one refreshes (rotating the refresh token), the other goes on with the new tokens", async () => {
    const { as, store, resource, clock, a, b } = await twoSessions();
    expect(textOf(await b.pool.call("remote", "add", { a: 1, b: 1 }, { timeoutMs: 10_000 }))).toBe("2");
    const first = store.read(resource).tokens;
    // The first tokens expire; session A refreshes, and the provider rotates the refresh token (public client).
    as.tokenTtlS = 3600;
    clock.aheadMs = 600_000;
    expect(textOf(await a.pool.call("remote", "add", { a: 2, b: 2 }, { timeoutMs: 10_000 }))).toBe("4");
    const second = store.read(resource).tokens;
    expect(second?.refresh_token).not.toBe(first?.refresh_token);
    // Session B would have refreshed with the rotated-away token, been refused, and wiped the store.
    expect(textOf(await b.pool.call("remote", "add", { a: 3, b: 3 }, { timeoutMs: 10_000 }))).toBe("6");
    expect(textOf(await a.pool.call("remote", "add", { a: 4, b: 4 }, { timeoutMs: 10_000 }))).toBe("8");
    expect(store.read(resource).tokens?.refresh_token).toBeTruthy();
  });

  it("two sessions refreshing at the same instant: one refreshes, the other takes its tokens, both stay logged in", async () => {
    const { as, store, resource, clock, a, b } = await twoSessions();
    const first = store.read(resource).tokens;
    // Both sessions find the tokens expired at once, and both would refresh with the same refresh token: the
    // provider rotates it for the first and, seeing it used again, revokes the whole grant for the second.
    as.tokenTtlS = 3600;
    clock.aheadMs = 600_000;
    const answers = await Promise.all([
      a.pool.call("remote", "add", { a: 1, b: 1 }, { timeoutMs: 10_000 }),
      b.pool.call("remote", "add", { a: 2, b: 2 }, { timeoutMs: 10_000 }),
    ]);
    expect(answers.map(textOf)).toEqual(["2", "4"]);
    const second = store.read(resource).tokens;
    expect(second?.refresh_token).toBeTruthy();
    expect(second?.refresh_token).not.toBe(first?.refresh_token);
    expect(textOf(await b.pool.call("remote", "add", { a: 3, b: 3 }, { timeoutMs: 10_000 }))).toBe("6");
    expect(textOf(await a.pool.call("remote", "add", { a: 4, b: 4 }, { timeoutMs: 10_000 }))).toBe("8");
    // One refresh went out, so the grant is alive: its refresh token still refreshes.
    const refreshed = await fetch(`${as.issuer}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: second?.refresh_token ?? "",
        client_id: store.read(resource).client?.client_id ?? "",
      }),
    });
    expect(refreshed.status).toBe(200);
  });

  it("a --login in another terminal rescues a running session whose refresh token was revoked, and is kept", async () => {
    const { as, env, config, spec, store, resource, clock } = await setUp(undefined, undefined, { revocation: true });
    as.tokenTtlS = 60;
    expect((await logIn(config, env)).code).toBe(0);
    const { pool, failures } = await startPool(spec, env);
    expect(failures).toEqual([]);
    expect(textOf(await pool.call("remote", "add", { a: 1, b: 2 }, { timeoutMs: 10_000 }))).toBe("3");
    const first = store.read(resource);
    const revoked = await fetch(`${as.issuer}/token/revocation`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        token: first.tokens?.refresh_token ?? "",
        client_id: first.client?.client_id ?? "",
      }),
    });
    expect(revoked.status).toBe(200);
    as.tokenTtlS = 3600;
    const again = await logIn(config, env);
    expect(again.code).toBe(0);
    // A login starts afresh, through the browser, rather than refreshing what is stored.
    expect(again.browser?.status).toBe(200);
    const relogged = store.read(resource).tokens;
    expect(relogged?.access_token).not.toBe(first.tokens?.access_token);
    clock.aheadMs = 600_000;
    expect(textOf(await pool.call("remote", "add", { a: 5, b: 5 }, { timeoutMs: 10_000 }))).toBe("10");
    expect(store.read(resource).tokens?.refresh_token).toBe(relogged?.refresh_token);
  });
});

/** Logged in with tokens that live 60 s, and two sessions (pools) on the same login store, both started. */
async function twoSessions() {
  const world = await setUp();
  world.as.tokenTtlS = 60;
  expect((await logIn(world.config, world.env)).code).toBe(0);
  const a = await startPool(world.spec, world.env);
  const b = await startPool(world.spec, world.env);
  expect([a.failures, b.failures]).toEqual([[], []]);
  return { ...world, a, b };
}
