import { join } from "node:path";
import type { FigureSpec, Measured } from "../lib/figure.js";
import {
  type Connected,
  connect,
  listTools,
  officialFilesystem,
  ourFilesystem,
  ourHttp,
  ourSqlite,
  type ServerCommand,
} from "../lib/servers.js";
import { fixtureRoot } from "./cold-start.js";

/** JSON bytes of {name, description, inputSchema} for each tool a server lists, summed; and the tool count. */
async function definitionBytes(command: ServerCommand): Promise<{ bytes: number; tools: number }> {
  let conn: Connected | undefined;
  try {
    conn = await connect(command);
    const tools = await listTools(conn, command.label);
    const bytes = tools.reduce(
      (sum, { name, description, inputSchema }) =>
        sum + Buffer.byteLength(JSON.stringify({ name, description, inputSchema }), "utf8"),
      0,
    );
    return { bytes, tools: tools.length };
  } finally {
    await conn?.close();
  }
}

export const toolSizeFigure: FigureSpec = {
  id: "tool-size",
  title: "tool definitions: our 3 servers / official fs",
  unit: "bytes",
  peerName: "official filesystem server",
  goal: { kind: "max", ratio: 1.0 },
  async measure(ctx): Promise<Measured> {
    const root = fixtureRoot(ctx);
    const ours = [ourFilesystem(ctx.root, root), ourSqlite(ctx.root, join(ctx.tmp, "size.db")), ourHttp(ctx.root)];
    const sizes = [];
    for (const command of ours) sizes.push(await definitionBytes(command));
    const peer = await definitionBytes(officialFilesystem(ctx.root, root));
    const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
    const [fs, sqlite, http] = sizes.map((s) => `${s.bytes} (${s.tools} tools)`);
    return {
      ours: total,
      peer: peer.bytes,
      note: `filesystem ${fs} + sqlite ${sqlite} + http ${http}; official ${peer.tools} tools`,
    };
  },
};
