import { join } from "node:path";
import type { BenchContext, FigureSpec, Measured } from "../lib/figure.js";
import { requireRg, rgHits } from "../lib/ripgrep.js";
import {
  type Connected,
  connect,
  officialFilesystem,
  ourFilesystem,
  requireBuilt,
  requireTool,
  resultText,
} from "../lib/servers.js";
import { fmt, interleave, median, summarize } from "../lib/stats.js";
import { NEEDLE, textTree, wideTree } from "../lib/tree.js";

const MB = (bytes: number) => bytes / 1e6;

/** Our response cap (--max-response-bytes, default): text and structured copies together stay within it. */
const RESPONSE_CAP = 65_536;

/**
 * search_files with a plain-text content pattern over 20,000 files of 10 KB (200 MB; 500 in quick mode), against
 * ripgrep on the same tree, same text, warm page cache. Both must report the same file:line hits (our cap is 200;
 * the tree holds fewer), and the generator knows which those are.
 */
async function measureSearch(ctx: BenchContext): Promise<Measured> {
  requireRg(ctx.quick, ctx.log);
  const started = performance.now();
  const tree = textTree(join(ctx.tmp, "scale-text"), ctx.quick ? 500 : 20_000, 10_240);
  const generated = performance.now() - started;
  const command = ourFilesystem(ctx.root, tree.root);
  requireBuilt(command);
  const conn = await ctx.server(command);
  await requireTool(conn, command.label, "search_files");

  let ourHits: string[] = [];
  let truncated = false;
  const ours = async () => {
    const t0 = performance.now();
    const result = await conn.client.callTool({
      name: "search_files",
      arguments: { pattern: "**/*.txt", content: NEEDLE },
    });
    const ms = performance.now() - t0;
    resultText(result, "search_files");
    const found = result.structuredContent as { matches: { path: string; line?: number }[]; truncated: boolean };
    ourHits = found.matches.map((m) => `${m.path}:${m.line}`);
    truncated = found.truncated;
    return ms;
  };
  let theirHits: string[] = [];
  const peer = async () => {
    const t0 = performance.now();
    theirHits = await rgHits(tree.root, NEEDLE, "*.txt");
    return performance.now() - t0;
  };
  // The untimed first pass of each side reads the tree into the page cache, and its hits are checked.
  await ours();
  await peer();
  const same = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
  if (!same(theirHits, tree.needles))
    throw new Error(`rg found ${theirHits.length} hits, the tree has ${tree.needles.length}`);
  if (truncated ? !ourHits.every((hit) => theirHits.includes(hit)) : !same(ourHits, theirHits)) {
    throw new Error(
      `search_files found ${ourHits.length} hits${truncated ? " (truncated)" : ""}, rg ${theirHits.length}; they differ`,
    );
  }
  const samples = await interleave(ctx.runs(5), ours, peer);
  return {
    ...summarize(samples),
    note: `${tree.files.toLocaleString("en-US")} files, ${fmt(MB(tree.bytes))} MB (made in ${fmt(generated / 1000)} s); ${ourHits.length} hits, the same as rg's`,
  };
}

export const searchFilesFigure: FigureSpec = {
  id: "search-files-rg",
  title: "search_files content grep, 20,000 files",
  unit: "ms",
  peerName: "ripgrep",
  goal: { kind: "max", ratio: 3 },
  measure: measureSearch,
};

/**
 * One listing tool on a tree of 100,000 entries (300 in quick mode): the bytes of our JSON-RPC result against our
 * response cap, which must hold whatever the tree's size, and the time it takes. The official server's tool of the
 * same name runs once on the same path, for the note.
 */
async function measureListing(ctx: BenchContext, tool: "directory_tree" | "list_directory"): Promise<Measured> {
  const count = ctx.quick ? 300 : 100_000;
  const started = performance.now();
  // 200,000 empty files take 5-10 s to make, so a full run keeps them under bench/results/ (git-ignored) for the next.
  const root = wideTree(
    ctx.quick ? join(ctx.tmp, "scale-wide") : join(ctx.root, "bench/results/trees/wide-100k"),
    count,
  );
  const generated = performance.now() - started;
  const path = tool === "list_directory" ? "flat" : "tree";
  const ours = await ctx.server(ourFilesystem(ctx.root, root));
  await requireTool(ours, "our filesystem server", tool);
  const call = async (conn: Connected, args: Record<string, unknown>) => {
    const t0 = performance.now();
    const result = await conn.client.callTool({ name: tool, arguments: args });
    const ms = performance.now() - t0;
    resultText(result, tool);
    return { ms, bytes: Buffer.byteLength(JSON.stringify(result)) };
  };
  const runs: { ms: number; bytes: number }[] = [];
  for (let i = 0; i < (ctx.quick ? 1 : 4); i++) runs.push(await call(ours, { path }));
  const timed = runs.length > 1 ? runs.slice(1) : runs; // the first run warms the page cache
  let official: string;
  // A connection of its own: if the official server dies on this tree, the next figure gets a fresh one.
  const peer = await connect(officialFilesystem(ctx.root, root));
  try {
    const { ms, bytes } = await call(peer, { path: join(root, path) });
    official = `${fmt(ms)} ms, ${fmt(bytes / 1024)} KiB`;
  } catch (error) {
    official = `failed: ${(error as Error).message.split("\n")[0]} (stderr: ${peer.stderrTail().slice(-200) || "empty"})`;
  } finally {
    await peer.close();
  }
  const bytes = Math.max(...timed.map((r) => r.bytes));
  return {
    ours: bytes / 1024,
    peer: RESPONSE_CAP / 1024,
    note: `${count.toLocaleString("en-US")} entries${generated > 100 ? ` (made in ${fmt(generated / 1000)} s)` : ""}; ours ${fmt(median(timed.map((r) => r.ms)))} ms; official ${official}`,
  };
}

export const directoryTreeFigure: FigureSpec = {
  id: "directory-tree-100k",
  title: "directory_tree of 100,000 entries: bytes out",
  unit: "KiB",
  peerName: "our response cap",
  goal: { kind: "max", ratio: 1 },
  measure: (ctx) => measureListing(ctx, "directory_tree"),
};

export const listDirectoryFigure: FigureSpec = {
  id: "list-directory-100k",
  title: "list_directory of 100,000 entries: bytes out",
  unit: "KiB",
  peerName: "our response cap",
  goal: { kind: "max", ratio: 1 },
  measure: (ctx) => measureListing(ctx, "list_directory"),
};
