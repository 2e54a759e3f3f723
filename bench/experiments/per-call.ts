/**
 * Where a tool call's time goes, without stdio: our servers in-process over InMemoryTransport with a real SDK
 * Client, next to the bare library call and the pieces in between; and one Messages API request through the Anthropic
 * SDK (stream vs create) against an instant local stand-in. Interleaved rounds, medians, µs per call.
 *   pnpm exec tsx --conditions=@mcp-toolkit/source bench/experiments/per-call.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "../../packages/agent/node_modules/@anthropic-ai/sdk/index.mjs";
import { InMemoryTransport } from "../../packages/core/node_modules/@modelcontextprotocol/server/dist/index.mjs";
import { createFilesystemServer } from "../../packages/filesystem/src/index.js";
import { createFetcher, createHttpServer, resolveFetcherOptions } from "../../packages/http/src/index.js";
import { ChildExecutor, createSqliteServer } from "../../packages/sqlite/src/index.js";
import { Agent, Client, Database, request } from "../deps.js";
import { fixtureRoot } from "../figures/cold-start.js";
import { fixtureDb } from "../figures/execute-query.js";
import { upstream } from "../figures/http-get.js";
import type { BenchContext } from "../lib/figure.js";
import { startStandIn } from "../lib/standin.js";
import { median, timeCalls } from "../lib/stats.js";

type McpServerLike = { connect(transport: InMemoryTransport): Promise<void>; close(): Promise<void> };

/** A server and a client linked in memory; the client has listed tools, so it validates structured output. */
async function linked(server: McpServerLike): Promise<{ client: Client; close(): Promise<void> }> {
  const client = new Client({ name: "bench-per-call", version: "0.1.0" });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  await client.listTools();
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** Median µs per call of each case, measured in interleaved rounds of `calls` calls. */
async function compare(title: string, cases: [string, () => Promise<unknown>][], calls = 300, rounds = 7) {
  for (const [, fn] of cases) await timeCalls(100, 1, fn);
  const results = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of round % 2 === 0 ? cases : [...cases].reverse()) {
      results.set(name, [...(results.get(name) ?? []), ((await timeCalls(calls, 1, fn)) / calls) * 1000]);
    }
  }
  process.stdout.write(`\n${title}\n`);
  for (const [name] of cases)
    process.stdout.write(
      `${median(results.get(name) ?? [])
        .toFixed(1)
        .padStart(9)} µs  ${name}\n`,
    );
}

const tmp = mkdtempSync(join(tmpdir(), "mcp-per-call-"));
const ctx = { tmp } as unknown as BenchContext;
try {
  // execute_query
  const path = fixtureDb(ctx);
  const sql = "SELECT id, name, score FROM items WHERE id = ?";
  const args = { sql, params: [42] };
  const reader = new Database(path, { readonly: true });
  const inline = await linked(createSqliteServer({ database: new Database(path) }));
  const child = await linked(createSqliteServer({ database: path }));
  const executor = new ChildExecutor({ path, readOnly: true, timeoutMs: 30_000 });
  const limits = { maxRows: 500, maxBytes: 65_536, allowAttach: false, countMs: 100 };
  await compare("execute_query, 1-row SELECT", [
    ["better-sqlite3 prepare + all, in-process", async () => reader.prepare(sql).all(42)],
    ["ChildExecutor.run: the executor process alone", () => executor.run({ op: "query", sql, params: [42], limits })],
    ["MCP ping, in memory", () => inline.client.ping()],
    ["MCP execute_query, inline executor", () => inline.client.callTool({ name: "execute_query", arguments: args })],
    [
      "MCP execute_query, child executor (what the bin runs)",
      () => child.client.callTool({ name: "execute_query", arguments: args }),
    ],
  ]);
  await executor.close();
  await inline.close();
  await child.close();
  reader.close();

  // http_get
  const up = await upstream();
  const url = new URL(up.url);
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const fetcher = createFetcher(resolveFetcherOptions({ allowPrivate: true }));
  const http = await linked(createHttpServer({ allowPrivate: true }));
  const result = await http.client.callTool({ name: "http_get", arguments: { url: up.url } });
  await compare(`http_get, 1 KiB JSON (the tool result is ${JSON.stringify(result).length} bytes of JSON)`, [
    ["bare undici request + body.text()", async () => (await request(up.url, { dispatcher: agent })).body.text()],
    [
      "our fetcher.fetch: policy, pool, deadline, streamed body",
      () => fetcher.fetch({ method: "GET", url, headers: {} }),
    ],
    ["MCP ping, in memory", () => http.client.ping()],
    ["MCP http_get, in memory", () => http.client.callTool({ name: "http_get", arguments: { url: up.url } })],
  ]);
  await http.close();
  await fetcher.close();
  await up.close();

  // One agent turn's request: the same body (our 19 tools' definitions) three ways.
  const standIn = await startStandIn();
  standIn.reset(() => ({ tool: { name: "file__list_directory", input: { path: "." } } }));
  const fs = await linked(createFilesystemServer({ root: [fixtureRoot(ctx)] }));
  const tools = (await fs.client.listTools()).tools.map((t) => ({
    name: `file__${t.name}`,
    description: t.description ?? "",
    input_schema: t.inputSchema,
  }));
  const body = {
    model: "claude-bench-stand-in",
    max_tokens: 1024,
    tools,
    messages: [{ role: "user" as const, content: "List the files." }],
  };
  const anthropic = new Anthropic({ apiKey: "sk-ant-bench-dummy", baseURL: standIn.url, maxRetries: 0 });
  const params = body as unknown as Anthropic.MessageCreateParamsNonStreaming;
  await compare(
    "one Messages API request to an instant stand-in",
    [
      [
        "undici POST + JSON.parse",
        async () =>
          (
            await request(`${standIn.url}/v1/messages`, {
              method: "POST",
              dispatcher: agent,
              headers: { "content-type": "application/json" },
              body: JSON.stringify(body),
            })
          ).body.json(),
      ],
      ["Anthropic SDK messages.create", () => anthropic.messages.create(params)],
      ["Anthropic SDK messages.stream().finalMessage()", () => anthropic.messages.stream(params).finalMessage()],
    ],
    100,
  );
  await fs.close();
  await standIn.close();
  await agent.close();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
