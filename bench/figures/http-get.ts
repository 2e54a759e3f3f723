import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "../deps.js";
import type { BenchContext, FigureSpec, Measured } from "../lib/figure.js";
import { ourHttp, requireBuilt, requireTool, resultText } from "../lib/servers.js";
import { fmt, interleave, summarize, timeCalls } from "../lib/stats.js";

/** A 1 KiB JSON document. */
function payload(): string {
  const items = Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item-${i}`, ok: i % 2 === 0 }));
  const body = JSON.stringify({ items, pad: "" });
  return JSON.stringify({ items, pad: "x".repeat(1024 - body.length) });
}

/** A keep-alive upstream on 127.0.0.1 that counts the TCP connections it accepts. */
export async function upstream(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const body = payload();
  let connections = 0;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 30_000;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/data.json`,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Our http_get round trip over stdio against a bare undici request on a keep-alive Agent, in µs per call. */
async function measure(ctx: BenchContext): Promise<Measured> {
  const command = ourHttp(ctx.root);
  requireBuilt(command);
  const up = await upstream();
  const conn = await ctx.server(command);
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  try {
    await requireTool(conn, command.label, "http_get");
    const ours = async () =>
      resultText(await conn.client.callTool({ name: "http_get", arguments: { url: up.url } }), "http_get");
    const peer = async () => {
      const res = await request(up.url, { dispatcher: agent });
      return res.body.text();
    };
    const firstConnections = up.connections();
    if (!(await ours()).includes("item-19")) throw new Error("http_get did not return the JSON body");

    const oursCalls = ctx.quick ? 20 : 100;
    const peerCalls = ctx.quick ? 50 : 300;
    // Counted from our first call on, so the connection it opens counts too.
    let ourConnections = up.connections() - firstConnections;
    let ourCalls = 1;
    let peerConnections = 0;
    const perCallUs = (count: number, fn: () => Promise<unknown>) => async () =>
      ((await timeCalls(count, 1, fn)) / count) * 1000;
    const oursRun = async () => {
      const before = up.connections();
      const us = await perCallUs(oursCalls, ours)();
      ourConnections += up.connections() - before;
      ourCalls += oursCalls;
      return us;
    };
    const peerRun = async () => {
      const before = up.connections();
      const us = await perCallUs(peerCalls, peer)();
      peerConnections += up.connections() - before;
      return us;
    };
    if (!ctx.quick) {
      await oursRun();
      await peerRun();
    }
    const samples = await interleave(ctx.runs(9), oursRun, peerRun);
    const m = summarize(samples);
    return {
      ...m,
      // Reuse shows as a handful of connections for hundreds of calls; a client per call shows one per call.
      pass: ourConnections * 10 < ourCalls,
      note: `overhead ${fmt(m.ours - m.peer)} µs/call; ours opened ${ourConnections} connections for ${ourCalls} calls, undici ${peerConnections}`,
    };
  } finally {
    await agent.close();
    await up.close();
  }
}

export const httpGetFigure: FigureSpec = {
  id: "http-get",
  title: "http_get local 1 KiB JSON round trip",
  unit: "µs",
  peerName: "bare undici request",
  goal: { kind: "check", text: "keep-alive reuse" },
  measure,
};
