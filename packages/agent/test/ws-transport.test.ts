import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_MESSAGE_BYTES } from "../src/message-cap.js";
import { ServerPool } from "../src/servers.js";
import { parseServersFile } from "../src/servers-file.js";
import { WebSocketClientTransport } from "../src/ws-transport.js";
import { type LegacyServer, startSseServer, startWebSocketServer } from "./fixtures/legacy-servers.js";
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

const textOf = (r: { content?: unknown }) => (r.content as { text: string }[])[0]?.text;

/** A pool over one mcp.json entry, as the agent reads it. */
async function poolFor(entry: Record<string, unknown>) {
  const specs = parseServersFile(JSON.stringify({ mcpServers: { old: entry } }), "mcp.json", { TOKEN: "t0k" }, "/");
  pool = new ServerPool({ startupTimeoutMs: 10_000, env: {} });
  const spec = specs.get("old");
  if (!spec) throw new Error("no spec");
  return { failures: await pool.start([spec]), pool };
}

describe("legacy remote transports", () => {
  it("reaches a v1 SDK server over WebSocket (subprotocol mcp, headers sent) and calls its tools", async () => {
    server = await startWebSocketServer();
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the mcp.json syntax
    const { failures, pool } = await poolFor({ url: server.url, headers: { Authorization: "Bearer ${TOKEN}" } });
    expect(failures).toEqual([]);
    expect(pool.tools.map((t) => t.name)).toEqual(["echo", "big", "whoami"]);
    expect(textOf(await pool.call("old", "whoami", {}, { timeoutMs: 10_000 }))).toBe("websocket");
    expect(textOf(await pool.call("old", "echo", { text: "é".repeat(70_000) }, { timeoutMs: 10_000 }))).toHaveLength(
      70_000,
    );
    expect(server.seen).toEqual(["/ws protocols=mcp auth=Bearer t0k"]);
  });

  it("drops the connection when a message is over the 10 MiB cap, and the call fails saying so", async () => {
    server = await startWebSocketServer();
    const { failures, pool } = await poolFor({ url: server.url });
    expect(failures).toEqual([]);
    const under = textOf(await pool.call("old", "big", { n: MAX_MESSAGE_BYTES - 1000 }, { timeoutMs: 20_000 }));
    expect(under).toHaveLength(MAX_MESSAGE_BYTES - 1000);
    await expect(pool.call("old", "big", { n: MAX_MESSAGE_BYTES }, { timeoutMs: 20_000 })).rejects.toThrow(
      /server "old" stopped during the call/,
    );
  });

  it("reaches a v1 SDK server over HTTP+SSE (type sse) and calls its tools", async () => {
    server = await startSseServer();
    const { failures, pool } = await poolFor({ type: "sse", url: server.url, headers: { Authorization: "Bearer x" } });
    expect(failures).toEqual([]);
    expect(textOf(await pool.call("old", "whoami", {}, { timeoutMs: 10_000 }))).toBe("sse");
    expect(textOf(await pool.call("old", "echo", { text: "hi" }, { timeoutMs: 10_000 }))).toBe("hi");
    expect(server.seen[0]).toBe("GET /sse Bearer x");
    expect(server.seen.slice(1).every((line) => line === "POST /messages Bearer x")).toBe(true);
  });

  it("fails to start in one line when the WebSocket handshake is refused, and closes when the server goes away", async () => {
    server = await startWebSocketServer();
    const { failures } = await poolFor({ url: server.url.replace("/ws", "/other") });
    expect(failures.map((f) => f.line)).toEqual([
      expect.stringMatching(
        /^server "old" failed to start \(ws:\/\/127\.0\.0\.1:\d+\/other\): WebSocket ws:\/\/127\.0\.0\.1:\d+: HTTP 400 /,
      ),
    ]);
    const transport = new WebSocketClientTransport(new URL(server.url));
    const closed = new Promise<void>((resolve) => {
      transport.onclose = resolve;
    });
    await transport.start();
    await server.close();
    server = undefined;
    await closed;
    await expect(transport.send({ jsonrpc: "2.0", method: "ping", id: 1 })).rejects.toThrow(/is not open/);
  });
});

/** The start-up failure lines of a pool over one mcp.json entry. */
async function linesFor(entry: Record<string, unknown>): Promise<string[]> {
  return (await poolFor(entry)).failures.map((f) => f.line);
}

// handshake-watch.ts is tested here, through the transport it serves, beside Streamable HTTP's failure lines.
const TRUST_HINT = "— if the certificate is the right one, trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem>";

describe("a remote server that cannot be reached says why", () => {
  it("wss:// with a certificate nothing here trusts: the TLS reason, and how to trust it", async () => {
    server = await startWebSocketServer(throwawayCertificate());
    expect(await linesFor({ url: server.url })).toEqual([
      `server "old" failed to start (${server.url}): WebSocket ${new URL(server.url).origin}: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT) ${TRUST_HINT}`,
    ]);
  });

  it("Streamable HTTP over https with such a certificate: the same, not just 'fetch failed'", async () => {
    server = await startWebSocketServer(throwawayCertificate());
    const url = server.url.replace("wss:", "https:").replace("/ws", "/mcp");
    const [line] = await linesFor({ url });
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
    const lines = await linesFor(entry(server.url));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
  });

  it("ws:// to a port nothing listens on: the refused connection", async () => {
    const port = await freePort();
    expect(await linesFor({ url: `ws://127.0.0.1:${port}/ws` })).toEqual([
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
