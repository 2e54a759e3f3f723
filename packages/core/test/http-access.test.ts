// Who may read /metrics on the MCP port (the gate's admitScrape): OAuth tokens from a real identity provider
// (oidc-provider on 127.0.0.1) and named tokens, real SDK clients.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tokensFileAuthenticator } from "../src/auth.js";
import { gateFixture, POLICY } from "./gate-endpoint.js";

const { serve, oauth, tokenOf, connect, tempDir } = gateFixture();

const scrape = (url: URL, token?: string) =>
  fetch(new URL("/metrics", url), { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("GET /metrics on the MCP port", () => {
  it("needs the metrics or writer role: an OAuth token without either gets 403 naming mcp:metrics", async () => {
    const { url } = await serve(await oauth());
    expect((await scrape(url)).status).toBe(401);
    for (const client of ["reader-app", "stranger-app"]) {
      const refused = await scrape(url, await tokenOf(client));
      expect(refused.status).toBe(403);
      const challenge = refused.headers.get("www-authenticate") ?? "";
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain('scope="mcp:metrics"');
      expect(await refused.text()).toMatch(/GET \/metrics needs the metrics or writer role/);
    }
    for (const client of ["scraper-app", "writer-app"]) {
      const allowed = await scrape(url, await tokenOf(client));
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain("mcp_toolkit_refusals_total");
    }
    // The scraper's token may call nothing, and the metrics scope is not one MCP clients are told to ask for.
    const scraper = await connect(url, await tokenOf("scraper-app"));
    expect((await scraper.listTools()).tools).toEqual([]);
    const metadata = await fetch(new URL("/.well-known/oauth-protected-resource/mcp", url));
    expect(((await metadata.json()) as { scopes_supported: string[] }).scopes_supported).toEqual([
      "mcp:read",
      "mcp:write",
      "mcp:analyst",
    ]);
  });

  it("takes a named token with the metrics role, and refuses a reader's", async () => {
    const dir = tempDir();
    const file = path.join(dir, "tokens.json");
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    const tokens = [
      { name: "prometheus", sha256: sha256("prometheus-token-0123456789"), roles: ["metrics"] },
      { name: "ci", sha256: sha256("ci-token-0123456789abcdef"), roles: ["reader"] },
    ];
    writeFileSync(file, JSON.stringify({ tokens }));
    const { url } = await serve(await tokensFileAuthenticator(file, POLICY));
    expect((await scrape(url, "prometheus-token-0123456789")).status).toBe(200);
    const refused = await scrape(url, "ci-token-0123456789abcdef");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: {
        message:
          "Forbidden: GET /metrics needs the metrics or writer role, not the caller's (reader); a token with role metrics (in the tokens file) may read it; ask the server's operator for a token with such a role",
      },
    });
  });
});
