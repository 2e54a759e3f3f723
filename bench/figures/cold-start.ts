import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext, FigureSpec } from "../lib/figure.js";
import {
  connect,
  listTools,
  officialFilesystem,
  ourFilesystem,
  ourFilesystemFromSnapshot,
  requireBuilt,
  type ServerCommand,
} from "../lib/servers.js";
import { interleave, summarize } from "../lib/stats.js";

/** A small workspace both filesystem servers are pointed at (idempotent). */
export function fixtureRoot(ctx: BenchContext): string {
  const root = join(ctx.tmp, "fs-root");
  mkdirSync(join(root, "sub"), { recursive: true });
  writeFileSync(join(root, "bench-1k.txt"), `${"0123456789abcdef ".repeat(60).slice(0, 1023)}\n`);
  writeFileSync(join(root, "sub", "note.md"), "# note\n");
  return root;
}

/** Milliseconds from spawn to a tools/list answer, with a real SDK client over stdio. */
export async function coldStart(command: ServerCommand): Promise<number> {
  const start = performance.now();
  const conn = await connect(command);
  try {
    await listTools(conn, command.label);
    return performance.now() - start;
  } finally {
    await conn.close();
  }
}

/** Interleaved cold starts of one of our filesystem commands against the official server's. */
async function coldStartPairs(ctx: BenchContext, command: (repo: string, root: string) => ServerCommand) {
  const root = fixtureRoot(ctx);
  const ours = command(ctx.root, root);
  const peer = officialFilesystem(ctx.root, root);
  requireBuilt(ours);
  if (!ctx.quick) {
    // One untimed start of each warms the page cache for both: every timed run is a fresh process on a warm disk.
    await coldStart(ours);
    await coldStart(peer);
  }
  const samples = await interleave(
    ctx.runs(15),
    () => coldStart(ours),
    () => coldStart(peer),
  );
  return summarize(samples);
}

/** The bin as Claude Desktop and Claude Code start it: `node dist/cli.cjs`. */
export const coldStartFigure: FigureSpec = {
  id: "cold-start",
  title: "cold start: spawn → tools/list answered",
  unit: "ms",
  peerName: "official fs",
  goal: { kind: "max", ratio: 0.35 },
  measure: (ctx) => coldStartPairs(ctx, ourFilesystem),
};

/** The same server as the agent starts it, from the startup snapshot made at build time. */
export const snapshotStartFigure: FigureSpec = {
  id: "snapshot-start",
  title: "cold start from the startup snapshot (agent's way)",
  unit: "ms",
  peerName: "official fs",
  goal: { kind: "report", text: "report" },
  measure: (ctx) => coldStartPairs(ctx, ourFilesystemFromSnapshot),
};
