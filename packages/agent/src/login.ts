import type { Writable } from "node:stream";
import { UsageError } from "@mcp-toolkit/core";
import type { AgentConfig, HttpServerSpec } from "./config.js";
import { describeFailure } from "./describe-failure.js";
import { loginFailureHint } from "./login-hints.js";
import { AuthorizationServerUnreachable, authorizationServerFetch } from "./login-lost.js";
import { listenForCallback } from "./loopback.js";
import { AgentOAuthProvider } from "./oauth-client.js";
import { oneLine } from "./one-line.js";
import { openBrowser } from "./open-browser.js";
import { loginDirectory, TokenStore } from "./token-store.js";

/** How long --login waits for the browser to come back to the loopback redirect. */
export const LOGIN_TIMEOUT_MS = 300_000;

/** What a login or logout needs beyond the configuration (tests pass their own). */
export interface LoginIO {
  stderr: Writable;
  env: Record<string, string | undefined>;
  signal?: AbortSignal | undefined;
  /** Shows the person the authorization URL; default: print it and open a browser when there is one. */
  onAuthorizationUrl?: ((url: URL) => void) | undefined;
  /** --login: how long to wait for the browser; --logout: for the authorization server. */
  timeoutMs?: number | undefined;
}

/**
 * For a machine with no browser (over ssh): the provider's last page sends the browser to the loopback redirect, which
 * a browser elsewhere reaches only through a forwarded port. `portFixed`: mcp.json already sets oauth.callbackPort.
 */
export function headlessHint(redirectUrl: string, portFixed = false): string {
  const { port } = new URL(redirectUrl);
  const keep = portFixed ? "" : ` (to keep one port: "oauth": {"callbackPort": ${port}} in mcp.json)`;
  return `mcp-agent: no browser here; from a browser on another machine, forward the redirect's port first: ssh -L ${port}:127.0.0.1:${port} <this host>${keep}\n`;
}

/** The mcp.json entry `--login NAME` / `--logout NAME` names, if it can use OAuth. */
export function oauthServer(config: AgentConfig, name: string, flag: string): HttpServerSpec {
  const spec = config.servers.find((s) => s.name === name);
  const remote = config.servers.filter((s) => s.kind === "http" && s.transport !== "websocket").map((s) => s.name);
  const choices =
    remote.length > 0 ? `servers with an http(s) url: ${remote.join(", ")}` : "mcp.json has no http(s) server";
  if (!spec && config.serversFile === undefined) {
    throw new UsageError(
      `${flag} ${name}: no servers file: there is no mcp.json here, and no --config was given; name the file that lists ${name}, as in --config FILE ${flag} ${name}`,
    );
  }
  const unset = config.unsetServers?.find((u) => u.server === name);
  if (!spec && unset) throw new UsageError(`${flag} ${name}: ${unset.why}`);
  if (!spec) throw new UsageError(`${flag} ${name}: no such server (${choices})`);
  if (spec.kind !== "http" || spec.transport === "websocket") {
    throw new UsageError(`${flag} ${name}: OAuth is for servers with an http(s) url (${choices})`);
  }
  return spec;
}

/** The server's answer without a token: its 401 says where its metadata is and what scope to ask for. */
async function challenge(spec: HttpServerSpec): Promise<{ status: number; resourceMetadataUrl?: URL; scope?: string }> {
  const { extractWWWAuthenticateParams } = await import("@modelcontextprotocol/client");
  const { Authorization: _, authorization: __, ...headers } = spec.headers;
  // An HTTP+SSE server is opened with a GET of its stream; a Streamable HTTP one takes a POST.
  const response = await fetch(
    spec.url,
    spec.transport === "sse"
      ? { headers: { ...headers, accept: "text/event-stream" } }
      : {
          method: "POST",
          headers: { ...headers, "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "ping" }),
        },
  );
  await response.body?.cancel();
  return { status: response.status, ...extractWWWAuthenticateParams(response) };
}

/**
 * `--login NAME`: the authorization-code flow with PKCE, through the SDK's auth(), against the server's
 * authorization server, with a loopback redirect on 127.0.0.1; the tokens go to the store. Returns the exit code.
 */
export async function login(config: AgentConfig, name: string, io: LoginIO): Promise<number> {
  const spec = oauthServer(config, name, "--login");
  const { auth } = await import("@modelcontextprotocol/client");
  const store = new TokenStore(loginDirectory(io.env));
  const found = await challenge(spec).catch((error: Error) => {
    throw new UsageError(`--login ${name}: cannot reach ${spec.url} (${describeFailure(error)})`);
  });
  if (found.status >= 200 && found.status < 300) {
    io.stderr.write(`mcp-agent: ${name} did not ask for authorization (HTTP ${found.status}); nothing to log in to\n`);
    return 0;
  }
  if (found.status !== 401) {
    // A 404 or 405 is most often a wrong url (a trailing slash, the site's root): not an MCP endpoint at all.
    throw new UsageError(
      `--login ${name}: ${spec.url} answered HTTP ${found.status}, not an MCP server's 401 (log in) or 2xx (no login needed); check ${name}'s url in the servers file`,
    );
  }
  // The provider, made once the redirect URI is known, holds the state the browser must bring back.
  let expectedState = "";
  const listener = await listenForCallback(spec.oauth?.callbackPort ?? 0, `--login ${name}`, () => expectedState);
  try {
    const timeoutMs = io.timeoutMs ?? LOGIN_TIMEOUT_MS;
    const show =
      io.onAuthorizationUrl ??
      ((url: URL) => {
        const opened = openBrowser(url, io.env);
        io.stderr.write(
          `mcp-agent: to log in to ${name}, ${opened ? "finish in the browser that opened, or " : ""}open this URL (waiting up to ${Math.round(timeoutMs / 1000)} s):\n  ${url.href}\n${opened ? "" : headlessHint(listener.url, spec.oauth?.callbackPort !== undefined)}`,
        );
      });
    // A login starts afresh, leaving the stored login to running sessions until it succeeds; a client registered for
    // another loopback port may not be allowed this one.
    const stored = store.read(spec.url).client as { redirect_uris?: string[] } | undefined;
    const provider = new AgentOAuthProvider({
      server: name,
      serverUrl: spec.url,
      settings: spec.oauth,
      store,
      interactive: { redirectUrl: listener.url, onAuthorizationUrl: show },
      fresh: { keepClient: stored?.redirect_uris?.includes(listener.url) !== false },
    });
    expectedState = provider.state();
    const options = {
      serverUrl: spec.url,
      fetchFn: authorizationServerFetch(new URL(spec.url), "logging in", "check that it is up, then log in again"),
      resourceMetadataUrl: found.resourceMetadataUrl,
      scope: spec.oauth?.scope ?? found.scope,
    };
    try {
      if ((await auth(provider, options)) === "REDIRECT") {
        const verdict = await listener.next(timeoutMs, io.signal);
        if (!verdict.ok) {
          const hint = loginFailureHint(verdict.reason, name, spec.oauth?.scope);
          throw new UsageError(`--login ${name}: ${verdict.reason}${hint || "; try again"}`);
        }
        await auth(provider, { ...options, authorizationCode: verdict.code, iss: verdict.iss });
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      // The SDK quotes what the server answered, which may be a proxy's whole HTML page: one line, cut short. A 401
      // that named no metadata is most often a server that takes a token in a header, not an OAuth login.
      const failure = oneLine(describeFailure(error), 300);
      const hint =
        found.resourceMetadataUrl || error instanceof AuthorizationServerUnreachable
          ? loginFailureHint(failure, name, spec.oauth?.scope)
          : `; ${name}'s 401 named no OAuth metadata (resource_metadata): if it takes a token, give it in its mcp.json "headers" instead`;
      throw new Error(`--login ${name}: ${failure}${hint}`);
    }
    io.stderr.write(`mcp-agent: logged in to ${name}; the token is stored in ${store.fileFor(spec.url)}\n`);
    return 0;
  } finally {
    listener.close();
  }
}
