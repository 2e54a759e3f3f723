import { afterEach, describe, expect, it } from "vitest";
import { ServerPool } from "../src/servers.js";
import { parseServersFile } from "../src/servers-file.js";
import { MAX_MESSAGE_BYTES, WebSocketClientTransport } from "../src/ws-transport.js";
import { type LegacyServer, startSseServer, startWebSocketServer } from "./fixtures/legacy-servers.js";

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
