// The endpoints the gate's tests serve (http-access, access-admit, access-audit): the notes behind a role policy,
// OAuth tokens from a real identity provider (oidc-provider on 127.0.0.1) or named tokens, real SDK clients, and
// everything closed after each test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { Authenticator } from "../src/auth.js";
import { oauthAuthenticator } from "../src/auth-oauth-authenticator.js";
import { parsePolicy } from "../src/auth-roles.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import type { Logger } from "../src/logger.js";
import { createMetrics } from "../src/metrics.js";
import { type ClientKind, connectClient, type TestClient } from "./clients.js";
import { notesFactory } from "./fixtures.js";
import { type IdentityProvider, startIdentityProvider } from "./identity-provider.js";

const RESOURCE = "https://mcp.example.test/mcp";
/** Analysts may read the notes; `mcp:analyst` grants the role. */
export const POLICY = parsePolicy(
  JSON.stringify({ roles: { analyst: ["read_notes"] }, scopes: { "mcp:analyst": "analyst" } }),
);
const CLIENTS = [
  { id: "reader-app", secret: "reader-secret", scope: "mcp:read" },
  { id: "writer-app", secret: "writer-secret", scope: "mcp:read mcp:write" },
  { id: "scraper-app", secret: "scraper-secret", scope: "mcp:metrics" },
  { id: "stranger-app", secret: "stranger-secret", scope: "files:read" },
];

/** A named token the tests' tokens files hold. */
export const CI = "ci-token-0123456789abcdef";
/** A log that keeps nothing. */
export const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Register the hooks of a test file that serves the gate (with `identityProvider`, one started for the file), and
 * return what its tests serve, connect and write files with; each test's endpoints, clients and directory are closed
 * and removed after it.
 */
export function gateFixture({ identityProvider = true } = {}) {
  let idp: IdentityProvider | undefined;
  const endpoints: HttpEndpoint[] = [];
  const clients: TestClient[] = [];
  let dir: string | undefined;

  if (identityProvider) {
    beforeAll(async () => {
      idp = await startIdentityProvider({
        scopes: ["mcp:read", "mcp:write", "mcp:metrics", "files:read"],
        clients: CLIENTS,
      });
    });
    afterAll(async () => {
      await idp?.close();
    });
  }
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close().catch(() => {});
    for (const endpoint of endpoints.splice(0)) await endpoint.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const started = () => {
    if (!idp) throw new Error("gateFixture: no identity provider in this file");
    return idp;
  };

  /** Serve the notes with `auth`, Prometheus metrics on the MCP port, and a log whose warnings and notes are kept. */
  async function serve(auth: Authenticator) {
    const warnings: string[] = [];
    const notes: string[] = [];
    const logger: Logger = {
      debug() {},
      info: (line) => void notes.push(line),
      warn: (line) => void warnings.push(line),
      error() {},
    };
    const factory = notesFactory();
    const metrics = createMetrics(factory.stats);
    const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, auth, policy: POLICY, metrics, logger });
    endpoints.push({
      ...endpoint,
      async close() {
        await endpoint.close();
        metrics.close();
      },
    });
    return { url: endpoint.url, warnings, notes };
  }

  const oauth = () => oauthAuthenticator({ issuer: started().issuer, resource: RESOURCE }, POLICY);
  const tokenOf = (client: string) =>
    started().token(client, CLIENTS.find((c) => c.id === client)?.scope ?? "", RESOURCE);

  async function connect(url: URL, token: string, kind: ClientKind = "modern") {
    const client = await connectClient({ url, token }, kind);
    clients.push(client);
    return client;
  }

  /** A directory of the test's own, removed after it. */
  const tempDir = () => {
    dir = mkdtempSync(path.join(tmpdir(), "mcp-access-"));
    return dir;
  };

  /** Close `endpoint` after the test. */
  const closing = (endpoint: HttpEndpoint) => void endpoints.push(endpoint);

  return { serve, oauth, tokenOf, connect, tempDir, closing };
}
