import { processTreeCpuMs } from "../lib/cpu.js";
import type { BenchContext, FigureSpec, Measured } from "../lib/figure.js";
import {
  type Era,
  type HttpTarget,
  LOAD_CLIENTS,
  type LoadDriver,
  type LoadRun,
  startDriver,
  startFloor,
  startOurHttp,
} from "../lib/http-load.js";
import { ourFilesystem, ourSqlite } from "../lib/servers.js";
import { fmt, fmtRatio, interleave, median, pairedRatio, quantile } from "../lib/stats.js";
import { fixtureRoot } from "./cold-start.js";
import { fixtureDb } from "./execute-query.js";

/** What each side's clients call, and a piece of text the answer must hold. */
export interface LoadCall {
  tool: string;
  args: Record<string, unknown>;
  expect: string;
}
export const READ_FILE_CALL: LoadCall = {
  tool: "read_file",
  args: { path: "bench-1k.txt" },
  expect: "0123456789abcdef",
};
export const EXECUTE_QUERY_CALL: LoadCall = {
  tool: "execute_query",
  args: { sql: "SELECT id, name, score FROM items WHERE id = ?", params: [42] },
  expect: "item-42",
};
export const FLOOR_CALL: LoadCall = { tool: "echo", args: { text: "ping" }, expect: "ping" };

/** The goal of issue 18, both halves: throughput and tail latency against the SDK's own floor. */
const MIN_THROUGHPUT = 0.8;
const MAX_P99 = 1.5;

/**
 * Full run: ten pairs of 2 s segments per side (20 s each), in ABBA order after a 1 s warm-up of each, so that the
 * machine's drift over the 40 s falls on both sides alike and one load spike spoils one pair, not a side.
 * Quick: one pair of 0.5 s, no warm-up.
 */
function schedule(ctx: BenchContext): { pairs: number; segmentMs: number; warmUpMs: number } {
  return ctx.quick ? { pairs: 1, segmentMs: 500, warmUpMs: 0 } : { pairs: 10, segmentMs: 2000, warmUpMs: 1000 };
}

/** One side's segments: calls/s of each, every latency, and CPU per call of its server and of the clients. */
interface Side {
  perSecond: number[];
  p99: number[];
  latencies: number[];
  serverCpuMs: number;
  clientCpuMs: number;
  calls: number;
}

/** One segment of `side`: the driver's run, with the CPU the server's process tree used meanwhile. */
async function segment(
  driver: LoadDriver,
  target: HttpTarget,
  era: Era,
  call: LoadCall,
  ms: number,
  side: Side,
): Promise<number> {
  const cpuBefore = processTreeCpuMs(target.pid);
  const run: LoadRun = await driver.run(target, era, call, ms);
  const cpuAfter = processTreeCpuMs(target.pid);
  if (run.errors > 0) throw new Error(`${target.label}: ${run.errors} ${call.tool} calls failed: ${run.firstError}`);
  if (run.latencies.length === 0) throw new Error(`${target.label}: no ${call.tool} call finished in ${ms} ms`);
  const perSecond = (run.latencies.length / run.elapsedMs) * 1000;
  side.perSecond.push(perSecond);
  side.p99.push(quantile(run.latencies, 0.99));
  for (const latency of run.latencies) side.latencies.push(latency);
  // NaN from then on where there is no /proc to read.
  side.serverCpuMs += (cpuAfter ?? Number.NaN) - (cpuBefore ?? Number.NaN);
  side.clientCpuMs += run.cpuMs;
  side.calls += run.latencies.length;
  return perSecond;
}

/** Our server (one instance for both eras) against the SDK's floor, with the same 32 clients, interleaved. */
async function measure(ctx: BenchContext, tool: "read_file" | "execute_query", era: Era): Promise<Measured> {
  const command =
    tool === "read_file" ? ourFilesystem(ctx.root, fixtureRoot(ctx)) : ourSqlite(ctx.root, fixtureDb(ctx));
  const call = tool === "read_file" ? READ_FILE_CALL : EXECUTE_QUERY_CALL;
  const [ours, floor, driver] = await Promise.all([
    ctx.shared(`http-load:${command.label}`, () => startOurHttp(ctx.root, command)),
    ctx.shared("http-load:floor", () => startFloor(ctx.root)),
    ctx.shared("http-load:driver", async () => startDriver(ctx.root)),
  ]);
  await driver.connect(ours, era, LOAD_CLIENTS);
  await driver.connect(floor, era, LOAD_CLIENTS);

  const { pairs, segmentMs, warmUpMs } = schedule(ctx);
  const side = (): Side => ({ perSecond: [], p99: [], latencies: [], serverCpuMs: 0, clientCpuMs: 0, calls: 0 });
  if (warmUpMs > 0) {
    await segment(driver, ours, era, call, warmUpMs, side());
    await segment(driver, floor, era, FLOOR_CALL, warmUpMs, side());
  }
  const our = side();
  const peer = side();
  const samples = await interleave(
    pairs,
    () => segment(driver, ours, era, call, segmentMs, our),
    () => segment(driver, floor, era, FLOOR_CALL, segmentMs, peer),
  );
  const throughput = pairedRatio(samples);
  const p99 = pairedRatio({ ours: our.p99, peer: peer.p99 });
  const ms = (s: Side, q: number) => fmt(quantile(s.latencies, q));
  const us = (cpuMs: number, calls: number) => fmt((cpuMs / calls) * 1000);
  const cpu = Number.isNaN(our.serverCpuMs + peer.serverCpuMs)
    ? ""
    : `; server CPU ${us(our.serverCpuMs, our.calls)} / ${us(peer.serverCpuMs, peer.calls)} µs/call`;
  return {
    ours: median(samples.ours),
    peer: median(samples.peer),
    samples,
    pass: throughput.ratio >= MIN_THROUGHPUT && p99.ratio <= MAX_P99,
    note:
      `p50 ${ms(our, 0.5)} / ${ms(peer, 0.5)} ms, p99 ${ms(our, 0.99)} / ${ms(peer, 0.99)} ms, ` +
      `p99 ratio ${fmtRatio(p99.ratio)} [${fmtRatio(p99.q1)}–${fmtRatio(p99.q3)}]${cpu}, ` +
      `clients ${us(our.clientCpuMs, our.calls)} / ${us(peer.clientCpuMs, peer.calls)} µs/call; ` +
      `${pairs}×${segmentMs / 1000} s per side`,
  };
}

const GOAL = { kind: "check", text: `calls/s ≥ ${MIN_THROUGHPUT}×, p99 ≤ ${MAX_P99}×` } as const;

function figure(id: string, tool: "read_file" | "execute_query", what: string, era: Era): FigureSpec {
  return {
    id,
    title: `HTTP load, ${LOAD_CLIENTS} clients, ${era}: ${what}`,
    unit: "calls/s",
    peerName: "SDK v2 stateless server, echo tool",
    goal: GOAL,
    measure: (ctx) => measure(ctx, tool, era),
  };
}

export const httpLoadReadFileModernFigure = figure("http-load-read-file", "read_file", "read_file 1 KiB", "2026-07-28");
export const httpLoadReadFileLegacyFigure = figure(
  "http-load-read-file-2025",
  "read_file",
  "read_file 1 KiB",
  "2025-11-25",
);
export const httpLoadQueryModernFigure = figure(
  "http-load-execute-query",
  "execute_query",
  "execute_query 1 row",
  "2026-07-28",
);
export const httpLoadQueryLegacyFigure = figure(
  "http-load-execute-query-2025",
  "execute_query",
  "execute_query 1 row",
  "2025-11-25",
);
