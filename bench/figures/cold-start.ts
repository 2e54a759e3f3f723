import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext, FigureSpec } from "../lib/figure.js";
import {
  connect,
  listTools,
  officialFilesystem,
  ourFilesystem,
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

export const coldStartFigure: FigureSpec = {
  id: "cold-start",
  title: "cold start: spawn → tools/list answered",
  unit: "ms",
  peerName: "official fs",
  goal: { kind: "max", ratio: 0.35 },
  async measure(ctx) {
    const root = fixtureRoot(ctx);
    const ours = ourFilesystem(ctx.root, root);
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
  },
};
