// OAuth end to end: oidc-provider as the authorization server and our HTTP server in OAuth mode as the protected MCP
// server, both on 127.0.0.1; --login's browser step is driven with plain HTTP through the provider's login and
// consent pages.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { EMPTY_POLICY, oauthAuthenticator, UsageError } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpServerSpec } from "../src/config.js";
import { headlessHint, login } from "../src/login.js";
import { logout } from "../src/logout.js";
import { resolveConfig } from "../src/resolve-config.js";
import { signIn, startAuthorizationServer } from "./fixtures/authorization-server.js";
import { startSseServer } from "./fixtures/legacy-servers.js";
import { cleanup, logIn, setUp, startPool } from "./fixtures/oauth-world.js";
import { startAgent } from "./fixtures/procs.js";
import { throwawayCertificate } from "./fixtures/throwaway-certificate.js";

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const textOf = (r: { content?: unknown }) => (r.content as { text: string }[])[0]?.text;

/** An agent configuration, in a home of its own, whose one server "remote" is the HTTP+SSE server at `url`. */
function sseConfig(url: string) {
  const home = mkdtempSync(join(tmpdir(), "agent-oauth-home-"));
  const file = join(mkdtempSync(join(tmpdir(), "agent-oauth-cfg-")), "mcp.json");
  writeFileSync(file, JSON.stringify({ mcpServers: { remote: { type: "sse", url } } }));
  const env = { PATH: process.env.PATH, HOME: home };
  return { env, config: resolveConfig({ config: file, workspace: join(home, "ws") }, [], env, home) };
}

describe("OAuth for remote servers", () => {
  it("logs in (discovery, dynamic registration, PKCE, resource), calls with the token, refreshes silently, logs out", async () => {
    const { as, resource, env, config, spec, store } = await setUp();

    // Without a login, the server does not start, and the line says what to run.
    const before = await startPool(spec, env);
    expect(before.failures.map((f) => f.line)).toEqual([
      expect.stringMatching(
        /remote needs you to log in \(OAuth\): run pnpm agent --config \S+mcp\.json --login remote/,
      ),
    ]);

    const first = await logIn(config, env);
    expect(first.code).toBe(0);
    const url = first.shown as URL;
    expect(url.origin).toBe(as.issuer);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("resource")).toBe(resource);
    expect(url.searchParams.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get("scope")?.split(" ")).toEqual(expect.arrayContaining(["mcp:read", "offline_access"]));
    expect(as.seen).toContain("POST /reg");
    expect(first.browser?.status).toBe(200);
    expect(first.stderr).toContain(`logged in to remote; the token is stored in ${store.fileFor(resource)}`);

    // Stored for this user only, per server URL.
    const file = store.fileFor(resource);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(file.startsWith(join(env.XDG_CONFIG_HOME, "mcp-toolkit", "oauth"))).toBe(true);
    const stored = store.read(resource);
    expect(stored.tokens?.access_token).toBeTruthy();
    expect(stored.tokens?.refresh_token).toBeTruthy();

    const { pool, failures } = await startPool(spec, env);
    expect(failures).toEqual([]);
    expect(textOf(await pool.call("remote", "add", { a: 2, b: 3 }, { timeoutMs: 10_000 }))).toBe("5");

    // A token the server no longer takes: the SDK refreshes it with the stored refresh token, without a person.
    store.update(resource, (l) => ({
      ...l,
      tokens: { ...(l.tokens as { access_token: string; token_type: string }), access_token: "revoked" },
    }));
    const tokenRequests = as.seen.filter((s) => s === "POST /token").length;
    const again = await startPool(spec, env);
    expect(again.failures).toEqual([]);
    expect(textOf(await again.pool.call("remote", "add", { a: 4, b: 5 }, { timeoutMs: 10_000 }))).toBe("9");
    expect(as.seen.filter((s) => s === "POST /token").length).toBe(tokenRequests + 1);
    const refreshed = store.read(resource).tokens;
    expect(refreshed?.access_token).not.toBe("revoked");
    expect(JSON.parse(readFileSync(file, "utf8")).tokens.access_token).toBe(refreshed?.access_token);

    const out = new PassThrough();
    expect(await logout(config, "remote", { stderr: out, env })).toBe(0);
    expect(String(out.read())).toContain("logged out of remote");
    expect(() => statSync(file)).toThrow();
    const after = await startPool(spec, env);
    expect(after.failures.map((f) => f.line)).toEqual([
      expect.stringMatching(/run pnpm agent --config \S+mcp\.json --login remote/),
    ]);
  });

  it("refreshes an access token that expires mid-run, silently, and the same pool goes on", async () => {
    const { as, env, config, spec, store, resource, clock } = await setUp();
    as.tokenTtlS = 60;
    expect((await logIn(config, env)).code).toBe(0);
    const first = store.read(resource).tokens;
    expect(first?.expires_in).toBe(60);
    const { pool, failures } = await startPool(spec, env);
    expect(failures).toEqual([]);
    expect(textOf(await pool.call("remote", "add", { a: 1, b: 2 }, { timeoutMs: 10_000 }))).toBe("3");
    // Ten minutes on, for the server: the token is past its 60 s and the clock skew allowed; the next is good for an hour.
    as.tokenTtlS = 3600;
    clock.aheadMs = 600_000;
    expect(textOf(await pool.call("remote", "add", { a: 2, b: 2 }, { timeoutMs: 10_000 }))).toBe("4");
    const second = store.read(resource).tokens;
    expect(second?.expires_in).toBe(3600);
    expect(second?.access_token).not.toBe(first?.access_token);
  });

  it("uses a pre-registered client_id from mcp.json and its fixed callback port, registering nothing", async () => {
    const { as, env, config, spec, callbackPort } = await setUp(
      (port) => ({ clientId: "mcp-agent-cli", callbackPort: port }),
      (port) => [{ client_id: "mcp-agent-cli", redirect_uris: [`http://127.0.0.1:${port}/callback`] }],
    );
    const result = await logIn(config, env);
    expect(result.code).toBe(0);
    expect(result.shown?.searchParams.get("client_id")).toBe("mcp-agent-cli");
    expect(result.shown?.searchParams.get("redirect_uri")).toBe(`http://127.0.0.1:${callbackPort}/callback`);
    expect(as.seen).not.toContain("POST /reg");
    const { pool, failures } = await startPool(spec, env);
    expect(failures).toEqual([]);
    expect(textOf(await pool.call("remote", "add", { a: 1, b: 1 }, { timeoutMs: 10_000 }))).toBe("2");
  });

  it("identifies itself by a Client ID Metadata Document where the server supports them, registering nothing", async () => {
    const { key, cert } = throwawayCertificate();
    let documentUrl = "";
    const fetched: string[] = [];
    const documents = createHttpsServer({ key, cert }, (req, res) => {
      fetched.push(req.url ?? "");
      res.writeHead(200, { "content-type": "application/json", "cache-control": "max-age=60" });
      res.end(
        JSON.stringify({
          client_id: documentUrl,
          client_name: "mcp-agent (mcp-toolkit)",
          redirect_uris: ["http://127.0.0.1/callback"],
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
          token_endpoint_auth_method: "none",
          application_type: "native",
        }),
      );
    });
    await new Promise<void>((resolve) => documents.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((resolve) => documents.close(() => resolve())));
    documentUrl = `https://127.0.0.1:${(documents.address() as { port: number }).port}/agent/client.json`;

    const { as, env, config, spec } = await setUp(() => ({ clientMetadataUrl: documentUrl }), undefined, {
      trust: cert,
    });
    const result = await logIn(config, env);
    expect(result.code).toBe(0);
    expect(result.shown?.searchParams.get("client_id")).toBe(documentUrl);
    expect(fetched).toContain("/agent/client.json");
    expect(as.seen).not.toContain("POST /reg");
    const { pool, failures } = await startPool(spec, env);
    expect(failures).toEqual([]);
    expect(textOf(await pool.call("remote", "add", { a: 3, b: 4 }, { timeoutMs: 10_000 }))).toBe("7");
  });

  it.each([
    [false, ' (to keep one port: "oauth": {"callbackPort": 8765} in mcp.json)'],
    [true, ""],
  ])(
    "with no browser, says how to forward the port, and to fix it only when mcp.json does not (fixed: %s)",
    (fixed, keep) => {
      expect(headlessHint("http://127.0.0.1:8765/callback", fixed)).toBe(
        `mcp-agent: no browser here; from a browser on another machine, forward the redirect's port first: ssh -L 8765:127.0.0.1:8765 <this host>${keep}\n`,
      );
    },
  );

  it("mcp-agent --login prints the URL on a machine with no browser, and --logout forgets the login (built bin)", async () => {
    const { as, env, flags, store, resource } = await setUp();
    const { child, exited } = startAgent(["--login", "remote", ...flags], env);
    const url = await new Promise<URL>((resolve) => {
      let text = "";
      child.stderr.on("data", (c: Buffer) => {
        text += c.toString();
        const found = /^ {2}(http:\/\/\S+)$/m.exec(text);
        if (found?.[1]) resolve(new URL(found[1]));
      });
    });
    expect((await signIn(url)).status).toBe(200);
    const loggedIn = await exited;
    expect(loggedIn.code).toBe(0);
    expect(loggedIn.stderr).toMatch(/^mcp-agent: to log in to remote, open this URL \(waiting up to 300 s\):$/m);
    // No browser here: how to finish from one elsewhere, by the port the redirect comes back to.
    const port = new URL(url.searchParams.get("redirect_uri") as string).port;
    expect(loggedIn.stderr).toContain(
      `forward the redirect's port first: ssh -L ${port}:127.0.0.1:${port} <this host>`,
    );
    expect(loggedIn.stderr).toContain("mcp-agent: logged in to remote");
    expect(store.read(resource).tokens?.access_token).toBeTruthy();

    const out = await startAgent(["--logout", "remote", ...flags], env).exited;
    expect(out).toMatchObject({
      code: 0,
      stderr: `mcp-agent: logged out of remote (forgotten here; ${as.issuer} offers no revocation endpoint, so the tokens stay valid until they expire)\n`,
    });
    expect(store.read(resource).tokens).toBeUndefined();
    const refused = await startAgent(["--login", "file", ...flags], env).exited;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe("mcp-agent: --login file: no such server (servers with an http(s) url: remote)\n");
  });

  it("logs in to an HTTP+SSE server that asks for OAuth, and calls it with the token", async () => {
    const as = await startAuthorizationServer(["mcp:read", "mcp:write"]);
    cleanup.push(() => as.close());
    const sse = await startSseServer((url) => oauthAuthenticator({ issuer: as.issuer, resource: url }, EMPTY_POLICY));
    cleanup.push(() => sse.close());
    const { env, config } = sseConfig(sse.url);
    const spec = config.servers.find((s) => s.name === "remote") as HttpServerSpec;
    expect((await startPool(spec, env)).failures.map((f) => f.line)).toEqual([
      expect.stringMatching(/run pnpm agent --config \S+mcp\.json --login remote/),
    ]);
    const result = await logIn(config, env);
    expect(result.code).toBe(0);
    expect(result.shown?.searchParams.get("resource")).toBe(sse.url);
    const { pool, failures } = await startPool(spec, env);
    expect(failures).toEqual([]);
    expect(textOf(await pool.call("remote", "whoami", {}, { timeoutMs: 10_000 }))).toBe("sse");
    expect(sse.seen.filter((line) => line.startsWith("POST /messages Bearer ey")).length).toBeGreaterThan(0);
  });

  it("--login of a server that asks for no authorization (an HTTP+SSE one here) says so and changes nothing", async () => {
    const sse = await startSseServer();
    cleanup.push(() => sse.close());
    const { env, config } = sseConfig(sse.url);
    const stderr = new PassThrough();
    expect(await login(config, "remote", { stderr, env })).toBe(0);
    expect(String(stderr.read())).toBe(
      "mcp-agent: remote did not ask for authorization (HTTP 200); nothing to log in to\n",
    );
    expect(sse.seen).toEqual(["GET /sse"]);
  });

  it("--login of a server that takes a static token, behind a proxy that answers 404 pages, fails in one line saying so", async () => {
    // What nginx in front of a server started with MCP_AUTH_TOKEN answers: 401 at the endpoint, HTML 404 elsewhere.
    const proxy = createHttpServer((req, res) => {
      if (req.url === "/mcp") res.writeHead(401, { "www-authenticate": 'Bearer realm="mcp"' }).end();
      else
        res
          .writeHead(404, { "content-type": "text/html" })
          .end("<html>\n<body>\n<h1>404 Not Found</h1>\n</body>\n</html>\n");
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
    const { port } = proxy.address() as AddressInfo;
    const home = mkdtempSync(join(tmpdir(), "agent-oauth-home-"));
    const file = join(home, "servers.json");
    writeFileSync(file, JSON.stringify({ mcpServers: { web: { url: `http://127.0.0.1:${port}/mcp` } } }));
    const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, "xdg") };
    const config = resolveConfig({ config: file, workspace: join(home, "ws") }, [], env, home);
    const failure = await login(config, "web", { stderr: new PassThrough(), env }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    const { message } = failure as Error;
    expect(message).not.toContain("\n");
    expect(message).toMatch(
      /^--login web: .*404.*; web's 401 named no OAuth metadata \(resource_metadata\): if it takes a token, give it in its mcp.json "headers" instead$/,
    );
  });

  it.each([
    ["a trailing slash the server does not route", "/"],
    ["a page that is not an MCP endpoint", "/../.well-known/oauth-protected-resource/none"],
  ])("--login of a url that answers 404 (%s) fails with exit 2, saying to check the url", async (_case, suffix) => {
    const { config, env, spec } = await setUp();
    const url = new URL(spec.url + suffix).href;
    spec.url = url;
    const failure = await login(config, "remote", { stderr: new PassThrough(), env }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(UsageError);
    expect((failure as Error).message).toBe(
      `--login remote: ${url} answered HTTP 404, not an MCP server's 401 (log in) or 2xx (no login needed); check remote's url in the servers file`,
    );
  });

  it("--login whose scope the authorization server refuses says where the scope came from and how to change it", async () => {
    const { config, env } = await setUp(() => ({ scope: "mcp:admin" }));
    const failure = await login(config, "remote", { stderr: new PassThrough(), env }).catch((error: Error) => error);
    expect((failure as Error).message).toMatch(
      /^--login remote: .*invalid_client_metadata.*scope.*; the scope asked for is remote's oauth.scope in mcp.json \("mcp:admin"\): set it to scopes the authorization server grants this client$/,
    );
  });

  it("--login by a url the server does not name as its resource (localhost for 127.0.0.1) says which url to use", async () => {
    const { config, env, spec, resource } = await setUp();
    spec.url = resource.replace("127.0.0.1", "localhost");
    const failure = await login(config, "remote", { stderr: new PassThrough(), env }).catch((error: Error) => error);
    expect((failure as Error).message).toBe(
      `--login remote: Protected resource ${resource} does not match expected ${spec.url} (or origin); remote's url must be the one the server names as its resource: set it to ${resource} in the servers file (or, if that is not how clients reach the server, fix the server's --resource)`,
    );
  });

  it("--login where the provider takes no dynamic registration says how to name a client registered ahead", async () => {
    const { config, env } = await setUp(undefined, undefined, { registration: false });
    const failure = await login(config, "remote", { stderr: new PassThrough(), env }).catch((error: Error) => error);
    expect((failure as Error).message).toBe(
      `--login remote: Incompatible auth server: does not support dynamic client registration; register a client for this agent with the provider (its redirect URI http://127.0.0.1:<port>/callback) and name it in remote's mcp.json entry: "oauth": {"clientId": "…", "callbackPort": <port>}, with "clientSecret" if it has one`,
    );
  });

  it("--login with no servers file says the file is missing and how to name one, not that it has no such server", async () => {
    const home = mkdtempSync(join(tmpdir(), "agent-oauth-home-"));
    const env = { PATH: process.env.PATH, HOME: home };
    const config = resolveConfig({ workspace: join(home, "ws") }, [], env, home);
    await expect(login(config, "team", { stderr: new PassThrough(), env })).rejects.toThrow(
      "--login team: no servers file: there is no mcp.json here, and no --config was given; name the file that lists team, as in --config FILE --login team",
    );
  });

  it.each([
    ["nosuch", /--login nosuch: no such server \(servers with an http\(s\) url: remote\)/],
    ["file", /--login file: no such server/],
  ])("--login %s is refused in one line", async (name, message) => {
    const { config, env } = await setUp();
    await expect(login(config, name, { stderr: new PassThrough(), env })).rejects.toThrow(message);
  });
});
