import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { nodeMcpHandler } from "@mcp-toolkit/core";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { REOPEN_MAX_DELAY_MS, reopenDelayMs } from "../src/change-stream.js";
import { ServerPool } from "../src/servers.js";

describe("reopenDelayMs", () => {
  it.each([
    [0, 0],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, REOPEN_MAX_DELAY_MS],
    [40, REOPEN_MAX_DELAY_MS],
  ])("waits %i tries in: %i ms", (attempt, ms) => {
    expect(reopenDelayMs(attempt)).toBe(ms);
  });
});

/**
 * A 2026-07-28 server over stateless Streamable HTTP (the SDK v2's own handler) whose tool list grows while it runs,
 * on 127.0.0.1. `cut()` drops every connection, the open change stream with them, as a proxy or a redeploy would;
 * while `refuseStreams` is set, a change stream is answered 503.
 */
async function changingServer() {
  const added: string[] = [];
  const handler = createMcpHandler(
    () => {
      const server = new McpServer(
        { name: "changing", version: "1.0.0" },
        { capabilities: { tools: { listChanged: true } } },
      );
      for (const name of ["first", ...added]) {
        server.registerTool(name, { description: `The tool ${name}.`, inputSchema: z.object({}) }, async () => ({
          content: [{ type: "text", text: name }],
        }));
      }
      return server;
    },
    { legacy: "stateless" },
  );
  const serve = nodeMcpHandler(handler);
  const state = { streams: 0, refuseStreams: false, cutAfterAck: false };
  const http: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const opensStream = (body as { method?: string } | undefined)?.method === "subscriptions/listen";
      if (opensStream && state.refuseStreams) {
        res.writeHead(503, { "content-type": "text/plain" }).end("restarting");
        return;
      }
      if (opensStream) state.streams++;
      if (opensStream && state.cutAfterAck) {
        // Cut 5 ms after its first write, the acknowledgement, as a proxy with a short age limit would.
        const write = res.write.bind(res) as (...args: unknown[]) => boolean;
        res.write = ((...args: unknown[]) => {
          setTimeout(() => res.destroy(), 5);
          return write(...args);
        }) as typeof res.write;
      }
      return serve(req, res, body);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    state,
    add(name: string) {
      added.push(name);
      handler.notify.toolsChanged();
    },
    cut: () => http.closeAllConnections(),
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

/** Wait (up to 10 s) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("a 2026-07-28 server's change stream, cut while the connection lives", () => {
  let server: Awaited<ReturnType<typeof changingServer>> | undefined;
  let pool: ServerPool | undefined;
  afterEach(async () => {
    await pool?.close();
    await server?.close();
    pool = undefined;
    server = undefined;
  });

  async function start(notices: string[], before?: (s: NonNullable<typeof server>) => void) {
    server = await changingServer();
    before?.(server);
    pool = new ServerPool({
      startupTimeoutMs: 10_000,
      env: { PATH: process.env.PATH },
      onNotice: (line) => notices.push(line),
    });
    const spec = { kind: "http" as const, name: "remote", url: server.url, headers: {}, builtin: false as const };
    expect(await pool.start([spec])).toEqual([]);
    await pool.listenForChanges();
    return { server, pool };
  }

  const names = (pool: ServerPool) => pool.tools.map((t) => t.name);
  /** The transcript of a stream that could not be opened at first, then was, with one tool added meanwhile. */
  const OPENED_AFTER_FAILING = [
    expect.stringMatching(/^remote: its change stream could not be opened \(.*\); trying again, up to every 30 s$/),
    "remote: its change stream is open now",
    "remote: tools changed (+1, \u22120)",
  ];

  it("is opened again at once, and the changes signalled after it are heard", async () => {
    const notices: string[] = [];
    const { server, pool } = await start(notices);
    expect(server.state.streams).toBe(1);
    server.cut();
    await until(() => server.state.streams === 2);
    server.add("second");
    await until(() => names(pool).includes("second"));
    await pool.settle();
    expect(names(pool)).toEqual(["first", "second"]);
    expect(notices).toContain("remote: tools changed (+1, \u22120)");
    // Reopened at the first try: nothing to tell, and the tools re-read on reopening had not changed.
    expect(notices.filter((n) => n.includes("change stream"))).toEqual([]);
  }, 20_000);

  it("is tried again while the server refuses it, and once open, the tools changed meanwhile are read again", async () => {
    const notices: string[] = [];
    const { server, pool } = await start(notices);
    server.state.refuseStreams = true;
    server.cut();
    await until(() => notices.some((n) => n.includes("could not be opened")));
    // Signalled while no stream is open: no one hears it.
    server.add("missed");
    server.state.refuseStreams = false;
    await until(() => names(pool).includes("missed"));
    expect(server.state.streams).toBe(2);
    expect(notices).toEqual(OPENED_AFTER_FAILING);
  }, 20_000);

  it("that is cut as soon as it opens, each time, is opened again less and less often, not in a loop", async () => {
    const notices: string[] = [];
    const { server } = await start(notices, (s) => {
      s.state.cutAfterAck = true;
    });
    // Opened at start-up, again at once, then 1 s later; cut the third time, it waits 2 s: said then.
    await until(() => notices.length > 0);
    expect(notices).toEqual([
      "remote: its change stream keeps being cut as soon as it opens; opening it again up to every 30 s",
    ]);
    expect(server.state.streams).toBe(3);
    // Nothing like the hundreds a reopen at once each time makes.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.state.streams).toBe(3);
  }, 20_000);

  it("that could not be opened at start-up is tried again, and the tools are read once it is", async () => {
    const notices: string[] = [];
    const { server, pool } = await start(notices, (s) => {
      s.state.refuseStreams = true;
    });
    expect(server.state.streams).toBe(0);
    server.add("early");
    server.state.refuseStreams = false;
    await until(() => names(pool).includes("early"));
    expect(server.state.streams).toBe(1);
    expect(notices).toEqual(OPENED_AFTER_FAILING);
  }, 20_000);

  it("is not opened again once the pool has closed the connection", async () => {
    const notices: string[] = [];
    const { server, pool: started } = await start(notices);
    expect(server.state.streams).toBe(1);
    await started.close();
    pool = undefined;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.state.streams).toBe(1);
    expect(notices).toEqual([]);
  });
});
