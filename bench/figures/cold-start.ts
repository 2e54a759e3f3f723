import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient } from "../../packages/agent/src/mcp-client.js";
import { ProcessTransport } from "../../packages/agent/src/process-transport.js";
import { getDefaultEnvironment } from "../deps.js";
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

/**
 * The same, the way the agent connects to its built-in servers: its own process transport and SDK v2 client,
 * pinned to 2026-07-28 (tools/list straight away; no initialize handshake, no probe).
 */
export async function coldStartAsAgent(command: ServerCommand): Promise<number> {
  const start = performance.now();
  const transport = new ProcessTransport({
    command: process.execPath,
    args: [...(command.nodeArgs ?? []), ...command.args],
    env: { ...getDefaultEnvironment(), ...command.env },
  });
  const client = createClient("pinned");
  try {
    await client.connect(transport);
    if ((await client.listTools()).tools.length === 0) throw new Error(`${command.label} listed no tools`);
    return performance.now() - start;
  } finally {
    await client.close().catch(() => {});
  }
}

/** Interleaved cold starts of one of our filesystem commands against the official server's (always a v1 client). */
async function coldStartPairs(
  ctx: BenchContext,
  command: (repo: string, root: string) => ServerCommand,
  startOurs: (command: ServerCommand) => Promise<number> = coldStart,
) {
  const root = fixtureRoot(ctx);
  const ours = command(ctx.root, root);
  const peer = officialFilesystem(ctx.root, root);
  requireBuilt(ours);
  if (!ctx.quick) {
    // One untimed start of each warms the page cache for both: every timed run is a fresh process on a warm disk.
    await startOurs(ours);
    await coldStart(peer);
  }
  const samples = await interleave(
    ctx.runs(15),
    () => startOurs(ours),
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

/**
 * The same server as the agent starts and greets it: from the startup snapshot made at build time, by the SDK v2
 * client pinned to 2026-07-28. The official server is started and greeted as Claude Desktop does (v1 client).
 */
export const snapshotStartFigure: FigureSpec = {
  id: "snapshot-start",
  title: "cold start from the startup snapshot, 2026-07-28 client (agent's way)",
  unit: "ms",
  peerName: "official fs",
  goal: { kind: "report", text: "report" },
  measure: (ctx) => coldStartPairs(ctx, ourFilesystemFromSnapshot, coldStartAsAgent),
};

/**
 * The SDK v2's own minimal stdio server (bench/peers/sdk-stdio.mjs: McpServer, echo and read), built into this run's
 * tmp dir exactly as our bins are (core/build/bundle-bin.mjs with its code cache). No server on this stack starts
 * faster, so its ratio to the official server is the floor under the cold-start goal on this machine.
 */
export async function buildSdkFloor(ctx: BenchContext): Promise<ServerCommand> {
  const outdir = join(ctx.tmp, "sdk-stdio-floor");
  const command = { label: "the SDK's minimal stdio server", args: [join(outdir, "cli.cjs")] };
  // Built once per run, for whichever floor figure asks first.
  if (existsSync(command.args[0] as string)) return command;
  const builder = join(ctx.root, "packages/core/build/bundle-bin.mjs");
  try {
    await promisify(execFile)(process.execPath, [builder, "--entry", "bench/peers/sdk-stdio.mjs", "--outdir", outdir], {
      cwd: ctx.root,
      timeout: 120_000,
    });
  } catch (error) {
    const { code, stderr } = error as { code?: unknown; stderr?: string };
    throw new Error(`building the SDK floor server failed (${code}): ${stderr?.trim() ?? error}`);
  }
  return command;
}

export const coldStartFloorFigure: FigureSpec = {
  id: "cold-start-floor",
  title: "cold start floor: the SDK v2's minimal stdio server (2 tools), built as ours",
  unit: "ms",
  peerName: "official fs",
  goal: { kind: "report", text: "report" },
  measure: async (ctx) => {
    const floor = await buildSdkFloor(ctx);
    return coldStartPairs(ctx, () => floor);
  },
};
