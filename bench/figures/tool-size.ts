import type { BenchContext, FigureSpec, Measured } from "../lib/figure.js";
import {
  listTools,
  officialFilesystem,
  ourFilesystem,
  ourHttp,
  ourSqlite,
  type ServerCommand,
} from "../lib/servers.js";
import { fixtureRoot } from "./cold-start.js";
import { fixtureDb } from "./execute-query.js";

/** JSON bytes of {name, description, inputSchema} for each tool a server lists, summed; and the tool count. */
async function definitionBytes(ctx: BenchContext, command: ServerCommand): Promise<{ bytes: number; tools: number }> {
  const tools = await listTools(await ctx.server(command), command.label);
  const bytes = tools.reduce(
    (sum, { name, description, inputSchema }) =>
      sum + Buffer.byteLength(JSON.stringify({ name, description, inputSchema }), "utf8"),
    0,
  );
  return { bytes, tools: tools.length };
}

export const toolSizeFigure: FigureSpec = {
  id: "tool-size",
  title: "tool definitions: our 3 servers / official fs",
  unit: "bytes",
  peerName: "official filesystem server",
  goal: { kind: "max", ratio: 1.0 },
  async measure(ctx): Promise<Measured> {
    const root = fixtureRoot(ctx);
    const ours = [ourFilesystem(ctx.root, root), ourSqlite(ctx.root, fixtureDb(ctx)), ourHttp(ctx.root)];
    const sizes = [];
    for (const command of ours) sizes.push(await definitionBytes(ctx, command));
    const peer = await definitionBytes(ctx, officialFilesystem(ctx.root, root));
    const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
    const [fs, sqlite, http] = sizes.map((s) => `${s.bytes} (${s.tools} tools)`);
    return {
      ours: total,
      peer: peer.bytes,
      note: `filesystem ${fs} + sqlite ${sqlite} + http ${http}; official ${peer.tools} tools`,
    };
  },
};
