// A login that cannot be used because its authorization server is down: said as that, naming the address, at
// start-up, on a call and at --login, never as the MCP server refusing anything; and /servers does not say "up".
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { login } from "../src/login.js";
import { AuthorizationServerUnreachable, authorizationServerFetch } from "../src/login-lost.js";
import { statusText } from "../src/server-status.js";
import { cleanup, logIn, setUp, startPool } from "./fixtures/oauth-world.js";

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const textOf = (r: { content?: unknown }) => (r.content as { text: string }[])[0]?.text;
const refused = (doing: string, issuer: string) =>
  `${doing} at ${issuer}, the authorization server, failed: fetch failed: connect ECONNREFUSED ${new URL(issuer).host}`;

describe("an authorization server that does not answer", () => {
  it("mid-session: the call says which address failed and what to do, keeps the login, and /servers does not say up", async () => {
    const { as, env, config, spec, store, resource, clock } = await setUp();
    as.tokenTtlS = 60;
    expect((await logIn(config, env)).code).toBe(0);
    const { pool, failures } = await startPool(spec, env);
    expect(failures).toEqual([]);
    // One silent refresh first, so the session has the authorization server's metadata at hand.
    as.tokenTtlS = 3600;
    clock.aheadMs = 600_000;
    expect(textOf(await pool.call("remote", "add", { a: 1, b: 2 }, { timeoutMs: 10_000 }))).toBe("3");
    const tokens = store.read(resource).tokens;
    await as.close();
    clock.aheadMs = 7_200_000;
    const failure = await pool.call("remote", "add", { a: 2, b: 2 }, { timeoutMs: 10_000 }).catch((e: Error) => e);
    expect((failure as Error).message).toMatch(
      new RegExp(
        `^server "remote" was not called: ${refused("refreshing remote's login", as.issuer)}.* — check that it is up, then retry; if the login was revoked, log in again: pnpm agent --config \\S+ --login remote`,
      ),
    );
    expect((failure as Error).message).not.toContain("refused the call");
    expect(store.read(resource).tokens).toEqual(tokens);
    const status = statusText(pool.status(), Date.now());
    expect(status).toMatch(/^Servers: 0 of 1 up$/m);
    expect(status).toContain(
      `remote: connected, but its login cannot be used: ${refused("refreshing remote's login", as.issuer)}`,
    );
  });

  it("at start-up, with the token expired: the start failure names the authorization server", async () => {
    const { as, env, config, spec, clock } = await setUp();
    as.tokenTtlS = 60;
    expect((await logIn(config, env)).code).toBe(0);
    // A first run, so the MCP server has the keys it checks tokens with: it needs the authorization server too.
    const first = await startPool(spec, env);
    expect(first.failures).toEqual([]);
    await first.pool.close();
    await as.close();
    clock.aheadMs = 600_000;
    const { failures } = await startPool(spec, env);
    expect(failures.map((f) => f.line)).toEqual([
      expect.stringContaining(refused("refreshing remote's login", as.issuer)),
    ]);
    expect(failures[0]?.line).toContain("--login remote");
  });

  it("at start-up, when the MCP server cannot check the token (its issuer is down): the line quotes why", async () => {
    const { as, env, config, spec } = await setUp();
    expect((await logIn(config, env)).code).toBe(0);
    // The MCP server has not yet fetched the issuer's metadata and keys, so it answers 503, the token not judged.
    await as.close();
    const { failures } = await startPool(spec, env);
    expect(failures.map((f) => f.line)).toEqual([
      expect.stringMatching(
        /HTTP 503 \(Service Unavailable\), saying "Service Unavailable: cannot check tokens: no authorization-server metadata for http:\/\/127\.0\.0\.1:\d+ /,
      ),
    ]);
  });

  it("at --login: the error says the address is the authorization server's", async () => {
    const { as, env, config } = await setUp();
    await as.close();
    const failure = await login(config, "remote", { stderr: new PassThrough(), env }).catch((e: Error) => e);
    expect((failure as Error).message).toMatch(
      new RegExp(`^--login remote: ${refused("logging in", as.issuer)}.* — check that it is up, then log in again$`),
    );
  });
});

/** A server on 127.0.0.1 that takes each request and never answers, as a hung authorization server does. */
async function silentServer(): Promise<string> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("an authorization server that takes the connection and never answers", () => {
  it("is given up on after the timeout and named, instead of holding --login (or a start-up refresh) forever", async () => {
    const issuer = await silentServer();
    const reaching = authorizationServerFetch(
      new URL("http://127.0.0.1:1/mcp"),
      "logging in",
      "try later",
      () => {},
      fetch,
      200,
    );
    const failure = await reaching(`${issuer}/.well-known/oauth-authorization-server`).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(AuthorizationServerUnreachable);
    expect((failure as Error).message).toBe(
      `logging in at ${issuer}, the authorization server, failed: no answer in 0.2 s — try later`,
    );
  });

  it("leaves the MCP server's own requests (its streams) without that limit, and a cancelled request as it is", async () => {
    const mcp = await silentServer();
    const reaching = authorizationServerFetch(new URL(`${mcp}/mcp`), "logging in", "try later", () => {}, fetch, 50);
    const started = Date.now();
    const failure = await reaching(`${mcp}/mcp`, { signal: AbortSignal.timeout(400) }).catch((e: Error) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(failure).not.toBeInstanceOf(AuthorizationServerUnreachable);
    const elsewhere = await silentServer();
    const cancelled = await reaching(`${elsewhere}/token`, { signal: AbortSignal.abort() }).catch((e: Error) => e);
    expect(cancelled).not.toBeInstanceOf(AuthorizationServerUnreachable);
  });
});
