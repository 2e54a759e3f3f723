import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ServerPool } from "../src/servers.js";
import { parseServersFile } from "../src/servers-file.js";
import { type LegacyServer, startWebSocketServer } from "./fixtures/legacy-servers.js";
import { freePort } from "./fixtures/oauth-world.js";
import { startAgent } from "./fixtures/procs.js";
import { throwawayCertificate } from "./fixtures/throwaway-certificate.js";

let server: LegacyServer | undefined;
let pool: ServerPool | undefined;
afterEach(async () => {
  await pool?.close();
  await server?.close();
  pool = undefined;
  server = undefined;
});

/** The start-up failure lines of a pool over one mcp.json entry named "old". */
async function failuresFor(entry: Record<string, unknown>): Promise<string[]> {
  const specs = parseServersFile(JSON.stringify({ mcpServers: { old: entry } }), "mcp.json", {}, "/");
  pool = new ServerPool({ startupTimeoutMs: 10_000, env: {} });
  const spec = specs.get("old");
  if (!spec) throw new Error("no spec");
  return (await pool.start([spec])).map((f) => f.line);
}

const TRUST_HINT = "— if the certificate is the right one, trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem>";

describe("a remote server that cannot be reached says why", () => {
  it("wss:// with a certificate nothing here trusts: the TLS reason, and how to trust it", async () => {
    server = await startWebSocketServer(throwawayCertificate());
    expect(await failuresFor({ url: server.url })).toEqual([
      `server "old" failed to start (${server.url}): WebSocket ${new URL(server.url).origin}: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT) ${TRUST_HINT}`,
    ]);
  });

  it("Streamable HTTP over https with such a certificate: the same, not just 'fetch failed'", async () => {
    server = await startWebSocketServer(throwawayCertificate());
    const url = server.url.replace("wss:", "https:").replace("/ws", "/mcp");
    const [line] = await failuresFor({ url });
    expect(line).toContain(`fetch failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT) ${TRUST_HINT}`);
  });

  it.each<[string, (url: string) => Record<string, unknown>, RegExp]>([
    [
      "a path the server refuses",
      (url) => ({ url: url.replace("/ws", "/other") }),
      /: HTTP 400 Bad Request instead of 101 Switching Protocols$/,
    ],
    [
      "a token the server refuses",
      (url) => ({ url, headers: { Authorization: "Bearer expired" } }),
      /: HTTP 401 Unauthorized instead of 101 Switching Protocols \(check the headers or token it is given\)$/,
    ],
  ])("ws:// with %s: the HTTP status the handshake got", async (_, entry, expected) => {
    server = await startWebSocketServer();
    const lines = await failuresFor(entry(server.url));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
  });

  it("ws:// to a port nothing listens on: the refused connection", async () => {
    const port = await freePort();
    expect(await failuresFor({ url: `ws://127.0.0.1:${port}/ws` })).toEqual([
      `server "old" failed to start (ws://127.0.0.1:${port}/ws): WebSocket ws://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);
  });

  it("the built bin reaches a wss:// server whose certificate NODE_EXTRA_CA_CERTS trusts", async () => {
    const certificate = throwawayCertificate();
    server = await startWebSocketServer(certificate);
    const home = mkdtempSync(join(tmpdir(), "agent-wss-"));
    const config = join(home, "mcp.json");
    const disabled = { disabled: true };
    writeFileSync(
      config,
      JSON.stringify({ mcpServers: { old: { url: server.url }, file: disabled, db: disabled, api: disabled } }),
    );
    const args = ["--list-tools", "--config", config, "--workspace", join(home, "ws")];
    const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: "1" };
    const untrusted = await startAgent(args, env).exited;
    expect(untrusted.stderr).toContain(`self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT) ${TRUST_HINT}`);
    const trusted = await startAgent(args, { ...env, NODE_EXTRA_CA_CERTS: certificate.certFile }).exited;
    expect(trusted.stderr).not.toMatch(/failed to start/);
    expect(trusted.stdout).toMatch(/^old__echo\s/m);
    expect(trusted.code).toBe(0);
  });
});
