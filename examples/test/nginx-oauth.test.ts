import { chmod, mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { connectClient, type TestClient } from "../../packages/core/test/clients.js";
import { type IdentityProvider, startIdentityProvider } from "../../packages/core/test/identity-provider.js";
import { REPO, type Started, startUntil, textOf } from "./helpers.js";
import { findNginx, type Nginx, readmeNginxConfig, startNginx, testConfig } from "./nginx.js";

// The README's "Who may call" with its proxy: a real OpenID provider (oidc-provider) issuing tokens for
// https://mcp.example.com/sqlite/mcp, two mcp-sqlite replicas checking them (the built bins, as the README starts
// them), and the README's nginx block in front, with SDK clients of both generations holding the tokens.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const RESOURCE = "https://mcp.example.com/sqlite/mcp";
const METADATA_PATH = "/.well-known/oauth-protected-resource/sqlite/mcp";
const SQLITE_BIN = join(REPO, "packages/sqlite/dist/cli.cjs");
const HTTP_BIN = join(REPO, "packages/http/dist/cli.cjs");
const HTTP_RESOURCE = "https://mcp.example.com/http/mcp";

const nginxBinary = findNginx();
const skipReason = nginxBinary
  ? undefined
  : (process.env.MCP_TOOLKIT_NGINX_UNAVAILABLE ??
    (process.env.CI ? undefined : "nginx is not installed (apt-get install nginx, or run .ci/run)"));
if (skipReason) console.warn(`nginx-oauth.test.ts skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)(
  `OAuth through nginx to SQLite replicas${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let dir: string;
    let database: string;
    let idp: IdentityProvider;
    const replicas: Started[] = [];
    let nginx: Nginx;
    const clients: TestClient[] = [];
    const endpoint = () => new URL("/sqlite/mcp", nginx.url);

    beforeAll(async () => {
      if (!nginxBinary) throw new Error("nginx is not installed: .ci/run installs it (apt-get install nginx)");
      dir = await realpath(await mkdtemp(join(tmpdir(), "mcp-nginx-oauth-")));
      await chmod(dir, 0o711);
      database = join(dir, "team.db");
      const Database = createRequire(join(REPO, "packages/sqlite/package.json"))("better-sqlite3");
      const schema = new Database(database);
      schema.exec("CREATE TABLE notes(n INTEGER)");
      schema.close();
      idp = await startIdentityProvider({
        scopes: ["mcp:read", "mcp:write"],
        clients: [
          { id: "dashboard", secret: "dashboard-secret", scope: "mcp:read" },
          { id: "etl", secret: "etl-secret", scope: "mcp:read mcp:write" },
        ],
      });
      const args = (i: number) => [
        SQLITE_BIN,
        ...["--transport", "http", "--host", "127.0.0.1", "--port", "0", "--allowed-host", "mcp.example.com"],
        ...["--db", database, "--auth", "oauth", "--issuer", idp.issuer, "--resource", RESOURCE],
        ...["--audit-log", join(dir, `audit-${i}.log`)],
      ];
      // Only the provider's tokens: no MCP_AUTH_TOKEN in the replicas' environment.
      const { MCP_AUTH_TOKEN: _, ...env } = process.env;
      const serving = /Streamable HTTP at (http:\/\/\S+)/;
      replicas.push(...(await Promise.all([1, 2].map((i) => startUntil(process.execPath, args(i), serving, { env })))));
      // One mcp-http replica, so that the metadata the README routes to mcp_http has a server to answer it.
      const httpArgs = [
        HTTP_BIN,
        ...["--transport", "http", "--host", "127.0.0.1", "--port", "0", "--allowed-host", "mcp.example.com"],
        ...["--auth", "oauth", "--issuer", idp.issuer, "--resource", HTTP_RESOURCE],
      ];
      replicas.push(await startUntil(process.execPath, httpArgs, serving, { env }));
      const address = (replica: Started) => new URL(replica.match[1] as string).host;
      nginx = await startNginx(nginxBinary, dir, (port) =>
        testConfig(readmeNginxConfig(), {
          port,
          // The README's second mcp-http replica is not started here: nginx finds port 19 closed, and goes around it.
          replicas: {
            "127.0.0.1:3001": address(replicas[0] as Started),
            "127.0.0.1:3002": address(replicas[1] as Started),
            "127.0.0.1:3011": address(replicas[2] as Started),
            "127.0.0.1:3012": "127.0.0.1:19",
          },
          logDir: dir,
        }),
      );
    });

    afterAll(async () => {
      for (const client of clients.splice(0)) await client.close().catch(() => {});
      await nginx?.stop();
      await Promise.all(replicas.map((replica) => replica.stop()));
      await idp?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function connect(token: string, kind: Parameters<typeof connectClient>[1] = "modern") {
      const client = await connectClient({ url: endpoint(), token }, kind);
      clients.push(client);
      return client;
    }

    it("tells clients where to get a token, through the proxy", async () => {
      const metadata = await fetch(new URL(METADATA_PATH, nginx.url));
      expect(metadata.status).toBe(200);
      expect(await metadata.json()).toMatchObject({ resource: RESOURCE, authorization_servers: [idp.issuer] });
      // The mcp-http server's too, at the path of its own --resource.
      const httpMetadata = await fetch(new URL("/.well-known/oauth-protected-resource/http/mcp", nginx.url));
      expect(httpMetadata.status).toBe(200);
      expect(await httpMetadata.json()).toMatchObject({ resource: HTTP_RESOURCE, authorization_servers: [idp.issuer] });
      const anonymous = await fetch(endpoint(), {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toContain(
        `resource_metadata="https://mcp.example.com${METADATA_PATH}"`,
      );
    });

    it("reads no token from the query string, says so, and the README's log format writes none", async () => {
      const token = await idp.token("dashboard", "mcp:read", RESOURCE);
      const refused = await fetch(new URL(`/sqlite/mcp?access_token=${token}`, nginx.url), {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      });
      expect(refused.status).toBe(401);
      expect(await refused.text()).toContain("the access_token in the query string is never read here");
      const log = await readFile(join(dir, "mcp-access.log"), "utf8");
      expect(log).toContain('"POST /sqlite/mcp HTTP/1.1" 401');
      expect(log).not.toContain(token);
      expect(log).not.toContain("access_token");
    });

    it("serves each token's holder by its scopes, on whichever replica takes the call", async () => {
      const reader = await connect(await idp.token("dashboard", "mcp:read", RESOURCE), "v1@2025-11-25");
      const writer = await connect(await idp.token("etl", "mcp:read mcp:write", RESOURCE));
      expect((await reader.listTools()).tools.map((t) => t.name).sort()).toEqual([
        "describe_table",
        "execute_query",
        "list_tables",
      ]);
      for (let n = 1; n <= 4; n++) {
        const wrote = await writer.callTool({
          name: "execute_write",
          arguments: { sql: "INSERT INTO notes(n) VALUES (?)", params: [n] },
        });
        expect(wrote.isError, textOf(wrote)).toBeFalsy();
        const read = await reader.callTool({
          name: "execute_query",
          arguments: { sql: "SELECT count(*) AS c FROM notes" },
        });
        expect(read.structuredContent).toMatchObject({ rows: [[n]] });
      }
      await expect(
        reader.callTool({ name: "execute_write", arguments: { sql: "DELETE FROM notes" } }),
      ).rejects.toThrow();
      const elsewhere = await idp.token("etl", "mcp:read mcp:write", "https://other.example.com/mcp");
      await expect(connect(elsewhere)).rejects.toThrow();

      // Both replicas took calls, and each wrote who made them.
      const lines = (await Promise.all([1, 2].map((i) => readFile(join(dir, `audit-${i}.log`), "utf8")))).map((text) =>
        text
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line)),
      );
      expect(lines.every((replica) => replica.some((l) => l.method === "tools/call"))).toBe(true);
      const all = lines.flat();
      expect(all.filter((l) => l.tool === "execute_write" && l.outcome === "ok")).toHaveLength(4);
      expect(all.find((l) => l.tool === "execute_write" && l.outcome === "ok")?.caller).toEqual({
        sub: "etl",
        client_id: "etl",
        token_name: null,
      });
      expect(all.find((l) => l.outcome === "refused")).toMatchObject({
        caller: { sub: "dashboard" },
        tool: "execute_write",
      });
    });
  },
);
