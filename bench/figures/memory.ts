import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext, FigureSpec, Measured } from "../lib/figure.js";
import { childPids, liveHeapBytes, rssKiB, sleep } from "../lib/memory.js";
import {
  type Connected,
  connect,
  listTools,
  officialFilesystem,
  ourFilesystem,
  ourHttp,
  ourSqlite,
  requireBuilt,
  resultText,
  type ServerCommand,
} from "../lib/servers.js";
import { fmt, median, summarize, timeCalls } from "../lib/stats.js";
import { fixtureRoot } from "./cold-start.js";
import { fixtureDb } from "./execute-query.js";

const MiB = (kib: number) => kib / 1024;

type Side = "filesystem" | "sqlite" | "http" | "official";
/** RSS samples (KiB) of our three servers and the official one, run by run, and of each one's child processes. */
interface IdleSamples {
  server: Record<Side, number[]>;
  children: Record<Side, number[]>;
}

/** One measurement for the three idle figures, whichever of them runs first (and however many --only keeps). */
const idleRuns = new WeakMap<BenchContext, Promise<IdleSamples>>();

/**
 * Each run starts all four servers at once (the spawn order rotates), completes initialize + tools/list with each,
 * lets them settle, and reads each server process's VmRSS. The client spawns node itself, so the pid is the server.
 */
async function measureIdle(ctx: BenchContext): Promise<IdleSamples> {
  const root = fixtureRoot(ctx);
  const commands: [Side, ServerCommand][] = [
    ["filesystem", ourFilesystem(ctx.root, root)],
    ["sqlite", ourSqlite(ctx.root, fixtureDb(ctx))],
    ["http", ourHttp(ctx.root)],
    ["official", officialFilesystem(ctx.root, root)],
  ];
  for (const [, command] of commands) requireBuilt(command);
  const out: IdleSamples = {
    server: { filesystem: [], sqlite: [], http: [], official: [] },
    children: { filesystem: [], sqlite: [], http: [], official: [] },
  };
  const runs = ctx.runs(7);
  for (let run = 0; run < runs; run++) {
    const order = [...commands.slice(run % 4), ...commands.slice(0, run % 4)];
    const conns: [Side, Connected][] = [];
    try {
      await Promise.all(
        order.map(async ([key, command]) => {
          const conn = await connect(command);
          conns.push([key, conn]);
          await listTools(conn, key);
        }),
      );
      await sleep(ctx.quick ? 200 : 1000);
      for (const [key, conn] of conns) {
        out.server[key].push(rssKiB(conn.pid));
        out.children[key].push(childPids(conn.pid).reduce((sum, pid) => sum + rssKiB(pid), 0));
      }
    } finally {
      await Promise.all(conns.map(([, conn]) => conn.close()));
    }
  }
  return out;
}

function idleFigure(server: "filesystem" | "sqlite" | "http"): FigureSpec {
  return {
    id: `idle-rss-${server}`,
    title: `idle RSS, our ${server} server`,
    unit: "MiB",
    peerName: "official fs",
    goal: { kind: "max", ratio: 1 },
    async measure(ctx) {
      let runs = idleRuns.get(ctx);
      if (!runs) {
        runs = measureIdle(ctx);
        idleRuns.set(ctx, runs);
      }
      const samples = await runs;
      const children = median(samples.children[server]);
      return {
        ...summarize({ ours: samples.server[server].map(MiB), peer: samples.server.official.map(MiB) }),
        // SQLite's executor is a process of its own, started a moment after the handshake: its memory is shown, not hidden.
        note: `server process after initialize + tools/list, ${ctx.quick ? 0.2 : 1} s idle${children > 0 ? `; + ${fmt(MiB(children))} MiB in child processes (executor)` : ""}`,
      };
    },
  };
}

export const idleRssFilesystemFigure = idleFigure("filesystem");
export const idleRssSqliteFigure = idleFigure("sqlite");
export const idleRssHttpFigure = idleFigure("http");

/**
 * RSS after `total` calls against RSS after the first `first`, in one fresh server process. A full run then takes a
 * heap snapshot (a full GC first) after `total` and again after 10,000 more calls: a leak shows as live heap that grows
 * with the calls, where RSS also moves with V8's heap sizing.
 */
async function measureGrowth(
  ctx: BenchContext,
  id: string,
  command: ServerCommand,
  call: (conn: Connected) => Promise<unknown>,
  heapCheck = !ctx.quick,
): Promise<Measured> {
  requireBuilt(command);
  const dir = join(ctx.tmp, `heap-${id}`);
  mkdirSync(dir, { recursive: true });
  const conn = await connect({ ...command, cwd: dir, nodeArgs: heapCheck ? ["--heapsnapshot-signal=SIGUSR2"] : [] });
  try {
    const first = ctx.quick ? 20 : 1_000;
    const total = ctx.quick ? 200 : 50_000;
    const settle = ctx.quick ? 200 : 1000;
    const rssAt = async () => {
      await sleep(settle);
      const children = childPids(conn.pid).map(rssKiB);
      return { server: rssKiB(conn.pid), children: children.reduce((a, b) => a + b, 0) };
    };
    await call(conn);
    await timeCalls(first - 1, 4, () => call(conn));
    const early = await rssAt();
    const t0 = performance.now();
    await timeCalls(total - first, 4, () => call(conn));
    const perSecond = ((total - first) / (performance.now() - t0)) * 1000;
    const late = await rssAt();
    const notes = [`${first.toLocaleString("en-US")} → ${total.toLocaleString("en-US")} calls, ${fmt(perSecond)}/s`];
    if (early.children > 0 || late.children > 0) {
      notes.push(`child processes ${fmt(MiB(early.children))} → ${fmt(MiB(late.children))} MiB`);
    }
    if (heapCheck) {
      const more = 10_000;
      const heapA = await liveHeapBytes(conn.pid, dir);
      await timeCalls(more, 4, () => call(conn));
      const heapB = await liveHeapBytes(conn.pid, dir);
      notes.push(
        `live heap after GC ${fmt(heapA / 2 ** 20)} → ${fmt(heapB / 2 ** 20)} MiB over ${more.toLocaleString("en-US")} more calls (${fmt((heapB - heapA) / more)} B/call)`,
      );
    }
    return { ours: MiB(late.server), peer: MiB(early.server), note: notes.join("; ") };
  } finally {
    await conn.close();
  }
}

/**
 * RSS after 50,000 read_file calls against after 1,000; a full run then does the same with the official server's
 * read_text_file (its growth goes in the note: how much of ours is V8's heap sizing, which any Node server shows).
 */
export const rssGrowthReadFileFigure: FigureSpec = {
  id: "rss-growth-read-file",
  title: "RSS after 50,000 read_file calls / after 1,000",
  unit: "MiB",
  peerName: "same server at 1,000",
  goal: { kind: "max", ratio: 1.1 },
  async measure(ctx) {
    const root = fixtureRoot(ctx);
    const ours = await measureGrowth(ctx, "read-file", ourFilesystem(ctx.root, root), async (conn) =>
      resultText(await conn.client.callTool({ name: "read_file", arguments: { path: "bench-1k.txt" } }), "read_file"),
    );
    if (ctx.quick) return ours;
    const path = join(root, "bench-1k.txt");
    const peer = await measureGrowth(
      ctx,
      "official",
      officialFilesystem(ctx.root, root),
      async (conn) =>
        resultText(await conn.client.callTool({ name: "read_text_file", arguments: { path } }), "read_text_file"),
      false,
    );
    const official = `official read_text_file ${fmt(peer.peer)} → ${fmt(peer.ours)} MiB (${fmt(peer.ours / peer.peer)}×)`;
    return { ...ours, note: `${ours.note}; ${official}` };
  },
};

export const rssGrowthExecuteQueryFigure: FigureSpec = {
  id: "rss-growth-execute-query",
  title: "RSS after 50,000 execute_query calls / after 1,000",
  unit: "MiB",
  peerName: "same server at 1,000",
  goal: { kind: "max", ratio: 1.1 },
  measure: (ctx) => {
    let id = 0;
    return measureGrowth(ctx, "execute-query", ourSqlite(ctx.root, fixtureDb(ctx)), async (conn) =>
      resultText(
        await conn.client.callTool({
          name: "execute_query",
          arguments: { sql: "SELECT id, name, score FROM items WHERE id = ?", params: [(id++ % 1000) + 1] },
        }),
        "execute_query",
      ),
    );
  },
};
