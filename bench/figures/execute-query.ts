import { existsSync } from "node:fs";
import { join } from "node:path";
import { Database } from "../deps.js";
import type { BenchContext, FigureSpec, Measured } from "../lib/figure.js";
import { ourSqlite, requireBuilt, requireTool, resultText } from "../lib/servers.js";
import { fmt, interleave, median, summarize, timeCalls } from "../lib/stats.js";

const SQL = "SELECT id, name, score FROM items WHERE id = ?";

/** A database file with 1,000 rows, built with better-sqlite3 before either side opens it (idempotent). */
export function fixtureDb(ctx: BenchContext): string {
  const path = join(ctx.tmp, "bench.db");
  if (existsSync(path)) return path;
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL)");
  const insert = db.prepare("INSERT OR REPLACE INTO items (id, name, score) VALUES (?, ?, ?)");
  db.transaction(() => {
    for (let id = 1; id <= 1000; id++) insert.run(id, `item-${id}`, id / 7);
  })();
  db.close();
  return path;
}

/** Our execute_query round trip over stdio against prepare + all of the same SELECT in-process, in µs per call. */
async function measure(ctx: BenchContext): Promise<Measured> {
  const path = fixtureDb(ctx);
  const command = ourSqlite(ctx.root, path);
  requireBuilt(command);
  const conn = await ctx.server(command);
  const db = new Database(path, { readonly: true });
  try {
    await requireTool(conn, command.label, "execute_query");
    let id = 0;
    const nextId = () => (id++ % 1000) + 1;
    const ours = async () => {
      const want = nextId();
      const result = await conn.client.callTool({ name: "execute_query", arguments: { sql: SQL, params: [want] } });
      return resultText(result, "execute_query");
    };
    const peer = async () => db.prepare(SQL).all(nextId());
    if (!(await ours()).includes("item-1")) throw new Error("execute_query did not return the row");

    const oursCalls = ctx.quick ? 20 : 300;
    const peerCalls = ctx.quick ? 200 : 3000;
    const pingUs: number[] = [];
    const perCallUs = (count: number, fn: () => Promise<unknown>) => async () =>
      ((await timeCalls(count, 1, fn)) / count) * 1000;
    const oursRun = async () => {
      const us = await perCallUs(oursCalls, ours)();
      // The JSON-RPC floor of the same pipe: what any tool call costs before our handler runs.
      pingUs.push(await perCallUs(oursCalls, () => conn.client.ping())());
      return us;
    };
    if (!ctx.quick) {
      await oursRun();
      await perCallUs(peerCalls, peer)();
      pingUs.length = 0;
    }
    const samples = await interleave(ctx.runs(9), oursRun, perCallUs(peerCalls, peer));
    const m = summarize(samples);
    return {
      ...m,
      note: `overhead ${fmt(m.ours - m.peer)} µs/call; ping on the same pipe ${fmt(median(pingUs))} µs`,
    };
  } finally {
    db.close();
  }
}

export const executeQueryFigure: FigureSpec = {
  id: "execute-query",
  title: "execute_query 1-row SELECT round trip",
  unit: "µs",
  peerName: "in-process better-sqlite3",
  goal: { kind: "report", text: "report µs" },
  measure,
};
