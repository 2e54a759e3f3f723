// Start-up of an OAuth resource server against a real identity provider (oidc-provider on 127.0.0.1): a wrong
// --issuer, or introspection credentials the provider refuses, stop it; an issuer that is down only delays the first
// tokens.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OAuthOptions } from "../src/auth-oauth.js";
import { oauthAuthenticator } from "../src/auth-oauth-authenticator.js";
import { EMPTY_POLICY } from "../src/auth-roles.js";
import { UsageError } from "../src/cli-options.js";
import { SESSION_DEFAULTS } from "../src/http-options.js";
import { createLogger } from "../src/logger.js";
import { checkIssuer, openAccess } from "../src/open-access.js";
import { serveTransport } from "../src/serve-transport.js";
import { SERVER_OPTIONS } from "../src/server-flags.js";
import type { TransportChoice } from "../src/server-options.js";
import { notesFactory } from "./fixtures.js";
import { type IdentityProvider, startIdentityProvider } from "./identity-provider.js";

const RESOURCE = "https://mcp.example.test/mcp";
let idp: IdentityProvider;

beforeAll(async () => {
  idp = await startIdentityProvider({
    scopes: ["mcp:read"],
    clients: [
      { id: "app", secret: "s", scope: "mcp:read" },
      { id: "mcp-server", secret: "introspection-secret", scope: "mcp:read" },
    ],
  });
});
afterAll(async () => {
  await idp.close();
});

function open(
  issuer: string,
  settings: Pick<OAuthOptions, "introspection" | "audience"> & { allowUntypedJwt?: true } = {},
) {
  const lines: string[] = [];
  const logger = createLogger("test", "info", (line) => lines.push(line));
  return { lines, opened: openAccess({ auth: { mode: "oauth", issuer, resource: RESOURCE, ...settings } }, logger) };
}

/** The provider's introspection endpoint, with the server's credentials. */
const introspection = (clientSecret: string, url = `${idp.issuer}/token/introspection`) => ({
  introspection: { url, clientId: "mcp-server", clientSecret },
});

/**
 * A relay on 127.0.0.1 in front of `target` that holds each POST until `release()`, then passes it on and answers
 * what the target answered: an introspection endpoint that is slow to answer, for as long as the test wants.
 */
async function heldRelay(target: string) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await released;
    const answer = await fetch(target, {
      method: "POST",
      headers: { authorization: req.headers.authorization ?? "", "content-type": req.headers["content-type"] ?? "" },
      body: Buffer.concat(chunks),
    });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`;
  return { url, release, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("openAccess with --auth oauth", () => {
  it("asks the issuer at start-up and says whose tokens it accepts", async () => {
    const { lines, opened } = open(idp.issuer);
    await opened;
    expect(lines.join("\n")).toContain(`accepting access tokens from ${idp.issuer} for ${RESOURCE}`);
  });

  it("names the audience it checks when --audience replaces the resource", async () => {
    const { lines, opened } = open(idp.issuer, { audience: "api://mcp-toolkit" });
    await opened;
    expect(lines.join("\n")).toContain(
      `accepting access tokens from ${idp.issuer} for audience api://mcp-toolkit (--audience), resource ${RESOURCE}`,
    );
  });

  it("takes a JWT whose header says typ JWT only with --allow-untyped-jwt", async () => {
    const key = idp.keys[0] as Record<string, string>;
    const token = await new SignJWT({ scope: "mcp:read" })
      .setProtectedHeader({ alg: "RS256", kid: key.kid as string, typ: "JWT" })
      .setIssuer(idp.issuer)
      .setAudience(RESOURCE)
      .setSubject("user-42")
      .setExpirationTime("5m")
      .sign(await importJWK(key, "RS256"));
    const strict = await open(idp.issuer).opened;
    expect(await strict.auth.authenticate(`Bearer ${token}`)).toMatchObject({ ok: false, reason: /typ JWT/ });
    const lenient = await open(idp.issuer, { allowUntypedJwt: true }).opened;
    expect(await lenient.auth.authenticate(`Bearer ${token}`)).toMatchObject({ ok: true, caller: { sub: "user-42" } });
  });

  it("refuses to start, in one line, when the issuer's metadata names another issuer", async () => {
    const { opened } = open(`${idp.issuer}/`);
    await expect(opened).rejects.toBeInstanceOf(UsageError);
    await expect(opened).rejects.toThrow(`names issuer "${idp.issuer}", not "${idp.issuer}/"; check --issuer`);
  });

  it("refuses to start, in one line, when the issuer's host has no metadata at any of its places (a wrong path)", async () => {
    const { opened } = open(`${idp.issuer}/realms/team`);
    await expect(opened).rejects.toBeInstanceOf(UsageError);
    await expect(opened).rejects.toThrow(
      new RegExp(
        `no authorization-server metadata for ${idp.issuer}/realms/team \\(.*HTTP 404.*HTTP 404.*\\); check --issuer: it is the iss your provider puts in its tokens`,
      ),
    );
  });

  it("starts when the issuer cannot be reached, warning that tokens wait for it", async () => {
    const { lines, opened } = open("http://127.0.0.1:9");
    await opened;
    expect(lines.join("\n")).toMatch(
      /warn.*no authorization-server metadata for http:\/\/127\.0\.0\.1:9 .*; tokens will be refused \(503\) until the issuer answers/,
    );
  });

  it("asks the introspection endpoint at start-up, and starts when it takes the server's credentials", async () => {
    const { lines, opened } = open(idp.issuer, introspection("introspection-secret"));
    await opened;
    expect(lines.join("\n")).toContain(`accepting access tokens from ${idp.issuer}`);
    expect(lines.join("\n")).not.toContain("warn");
  });

  it("refuses to start, in one line, when the introspection endpoint refuses the server's credentials", async () => {
    const { opened } = open(idp.issuer, introspection("wrong-secret"));
    await expect(opened).rejects.toBeInstanceOf(UsageError);
    await expect(opened).rejects.toThrow(
      `${idp.issuer}/token/introspection refused the server's credentials (HTTP 401); check MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET`,
    );
  });

  it("starts when the introspection endpoint cannot be reached, warning as for the issuer", async () => {
    const { lines, opened } = open(idp.issuer, introspection("introspection-secret", "http://127.0.0.1:9/introspect"));
    await opened;
    expect(lines.join("\n")).toMatch(
      /warn: cannot reach the introspection endpoint http:\/\/127\.0\.0\.1:9\/introspect: fetch failed: bad port; opaque tokens will be refused \(503\) until it answers \(JWTs are checked meanwhile\)$/m,
    );
  });

  it("logs refused introspection credentials as an error, with the fix, when they are learnt after start-up went on", async () => {
    const relay = await heldRelay(`${idp.issuer}/token/introspection`);
    const lines: string[] = [];
    const logger = createLogger("test", "info", (line) => lines.push(line.trimEnd()));
    const introspecting = { url: relay.url, clientId: "mcp-server", clientSecret: "wrong-secret" };
    const settings = { issuer: idp.issuer, resource: RESOURCE, introspection: introspecting };
    try {
      const auth = await oauthAuthenticator(settings, EMPTY_POLICY);
      // The relay holds the start-up probe, so start-up stops waiting first.
      await checkIssuer(auth, idp.issuer, logger, 50);
      expect(lines).toEqual([`[test] warn: ${idp.issuer}: the issuer has not answered in 50 ms; starting anyway`]);
      relay.release();
      await expect.poll(() => lines.length).toBe(2);
      expect(lines[1]).toBe(
        `[test] error: ${relay.url} refused the server's credentials (HTTP 401); check MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET; the server started before this was known: opaque tokens are refused until it is fixed`,
      );
    } finally {
      relay.release();
      await relay.close();
    }
  });
});

describe("openAccess with a policy file, once the server's tools are known", () => {
  const TOKEN = "a-long-enough-shared-token-for-tests-0123456789";
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "mcp-policy-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const policyFile = (name: string, roles: Record<string, string[]>) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify({ roles }));
    return file;
  };
  const logger = createLogger("test", "silent");
  const choice = (file: string) => ({ auth: { mode: "token" as const, token: TOKEN }, policyFile: file });
  const http = (file: string): TransportChoice => ({
    kind: "http",
    host: "127.0.0.1",
    port: 0,
    access: choice(file),
    allowedHosts: [],
    allowedOrigins: [],
    trustProxy: [],
    stateful: false,
    sessions: SESSION_DEFAULTS,
  });

  it("refuses to start when a role misspells one of the server's tools, saying what it offers", async () => {
    const file = policyFile("typo.json", { analyst: ["read_notes", "add_nots"] });
    const access = await openAccess(choice(file), logger);
    const serving = serveTransport(http(file), notesFactory(), {
      audit: undefined,
      access,
      logger,
      version: "1",
      options: SERVER_OPTIONS,
    });
    await expect(serving).rejects.toBeInstanceOf(UsageError);
    await expect(serving).rejects.toThrow(
      `--auth-policy (MCP_AUTH_POLICY) ${file}: role "analyst" lists "add_nots", which this server does not offer; did you mean "add_note"? It offers read_notes, add_note, slow_add_note`,
    );
  });

  it("starts with another server's names in a shared policy file", async () => {
    const file = policyFile("shared.json", { analyst: ["read_notes", "execute_query", "read_file"] });
    const access = await openAccess(choice(file), logger);
    const serving = await serveTransport(http(file), notesFactory(), {
      audit: undefined,
      access,
      logger,
      version: "1",
      options: SERVER_OPTIONS,
    });
    await serving.http?.close();
  });

  it("names the setting of a file that is not JSON at start, and of one gone at a reload", async () => {
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, "{ nope");
    await expect(openAccess(choice(bad), logger)).rejects.toThrow(
      /^--auth-policy \(MCP_AUTH_POLICY\): .*is not valid JSON/,
    );
    const file = policyFile("gone.json", { analyst: ["read_notes"] });
    const access = await openAccess(choice(file), logger);
    rmSync(file);
    await expect(access.reload()).rejects.toThrow(/^--auth-policy \(MCP_AUTH_POLICY\): cannot read .*ENOENT/);
    const tokens = path.join(dir, "tokens.json");
    writeFileSync(tokens, JSON.stringify({ tokens: [{ name: "ci", sha256: "a".repeat(64), roles: ["reader"] }] }));
    const named = await openAccess({ auth: { mode: "tokens", file: tokens } }, logger);
    rmSync(tokens);
    await expect(named.reload()).rejects.toThrow(/^--tokens-file \(MCP_AUTH_TOKENS_FILE\): ENOENT/);
  });

  it("warns, naming the setting, when the tokens file lists no tokens", async () => {
    const lines: string[] = [];
    const tokens = path.join(dir, "none.json");
    writeFileSync(tokens, '{"tokens": []}');
    await openAccess(
      { auth: { mode: "tokens", file: tokens } },
      createLogger("test", "info", (l) => lines.push(l.trimEnd())),
    );
    expect(lines).toEqual([
      `[test] warn: --tokens-file (MCP_AUTH_TOKENS_FILE): ${tokens} lists no tokens: every request is refused (401) until one is added and the server re-reads it (SIGHUP)`,
    ]);
  });

  it("warns that a policy's claims grant nothing to named tokens, which carry none, at start and at a reload", async () => {
    const lines: string[] = [];
    const tokens = path.join(dir, "named.json");
    writeFileSync(tokens, JSON.stringify({ tokens: [{ name: "ci", sha256: "a".repeat(64), roles: ["reader"] }] }));
    const file = path.join(dir, "claims.json");
    writeFileSync(file, JSON.stringify({ claims: ["groups"], groups: { admins: "writer" } }));
    const access = await openAccess(
      { auth: { mode: "tokens", file: tokens }, policyFile: file },
      createLogger("test", "info", (l) => lines.push(l.trimEnd())),
    );
    const warning = `[test] warn: --auth-policy (MCP_AUTH_POLICY) ${file}: "claims" and "groups" are read from OAuth access tokens only; with --auth tokens they grant nothing`;
    expect(lines).toEqual([warning]);
    await access.reload();
    expect(lines).toEqual([warning, warning]);
    writeFileSync(file, JSON.stringify({ roles: {} }));
    await access.reload();
    expect(lines).toHaveLength(2);
  });

  it("keeps the previous policy when a reload brings a typo, and says why", async () => {
    const file = policyFile("reloaded.json", { analyst: ["read_notes"] });
    const access = await openAccess(choice(file), logger);
    access.checkNames(notesFactory().offered);
    policyFile("reloaded.json", { analyst: ["read_notes", "slow_add_nte"] });
    await expect(access.reload()).rejects.toThrow(/lists "slow_add_nte", .*did you mean "slow_add_note"\?/);
    expect(access.policy.roles).toEqual({ analyst: ["read_notes"] });
    policyFile("reloaded.json", { analyst: ["read_notes", "slow_add_note"] });
    await access.reload();
    expect(access.policy.roles).toEqual({ analyst: ["read_notes", "slow_add_note"] });
  });
});
