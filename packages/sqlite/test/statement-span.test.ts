import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { STARTS, TRANSPORTS, type Transport, useServers } from "../../core/test/built-server.js";
import { type ClientKind, expectedVersion } from "../../core/test/clients.js";
import { callerTraceparent, otelEnv, startOtlpReceiver } from "../../core/test/otlp-receiver.js";
import { tempDir } from "./helpers.js";

// The built bin continues a caller's trace from params._meta and exports, over OTLP, a server span per tool call
// with a statement span under it: the SQL's shape, never its values. A transaction's span has one span per statement
// that ran under it.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);
const INTERNAL = 1;
const SERVER = 2;
const CLIENT = 3;
const STATUS_ERROR = 2;
/** Both protocol eras: a 2026-07-28 client, and the v1 SDK's client speaking 2025-11-25. */
const CASES = TRANSPORTS.flatMap((t: Transport) =>
  (["modern", "v1@2025-11-25"] as ClientKind[]).map((k): [Transport, ClientKind] => [t, k]),
);

describe.each(STARTS)("mcp-sqlite traces, started from its %s", (how) => {
  it.each(CASES)(
    "over %s with a %s client: tools/call span under the caller's, statement spans under it, no values",
    async (transport, kind) => {
      const receiver = await startOtlpReceiver();
      const { dir, cleanup } = tempDir();
      try {
        const server = await start(how, transport, ["--db", join(dir, "t.db")], otelEnv(receiver), kind as ClientKind);
        await server.call("execute_write", { sql: "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT)" });
        await server.call("execute_write", { sql: "INSERT INTO books (title) VALUES (?)", params: ["BOUND-SECRET-1"] });
        const caller = callerTraceparent();
        const result = await server.client.callTool({
          name: "execute_query",
          arguments: {
            sql: "SELECT id FROM books WHERE title = 'LITERAL-SECRET-2' OR title = ?",
            params: ["BOUND-SECRET-3"],
          },
          _meta: { traceparent: caller.traceparent, tracestate: "vendor=1" },
        });
        expect(result.isError).toBeFalsy();
        const refused = await server.call("execute_query", { sql: "DELETE FROM books" });
        expect(refused.isError).toBe(true);
        const missing = await server.call("execute_query", { sql: "SELECT * FROM nowhere" });
        expect(missing.isError).toBe(true);
        const applied = await server.call("execute_transaction", {
          statements: [
            { sql: "INSERT INTO books (title) VALUES (?)", params: ["BOUND-SECRET-4"] },
            { sql: "UPDATE books SET title = 'LITERAL-SECRET-5' WHERE id = ?", params: [1] },
            { sql: "SELECT count(*) FROM books" },
          ],
        });
        expect(applied.isError).toBeFalsy();
        const rolledBack = await server.call("execute_transaction", {
          statements: [
            { sql: "INSERT INTO books (title) VALUES (?)", params: ["BOUND-SECRET-6"] },
            { sql: "INSERT INTO books (id, title) VALUES (1, ?)", params: ["BOUND-SECRET-7"] },
            { sql: "DELETE FROM books" },
          ],
        });
        expect(rolledBack.isError).toBe(true);
        await server.close();

        const spans = await receiver.waitFor((all) => all.filter((s) => s.name.startsWith("tools/call")).length >= 7);
        const tool = spans.find((s) => s.traceId === caller.traceId && s.name === "tools/call execute_query");
        expect(tool).toMatchObject({
          parentSpanId: caller.spanId,
          kind: SERVER,
          service: "mcp-sqlite",
          attributes: {
            "mcp.method.name": "tools/call",
            "gen_ai.tool.name": "execute_query",
            "mcp.protocol.version": expectedVersion(kind as ClientKind),
            "network.transport": transport === "stdio" ? "pipe" : "tcp",
            "mcp.tool.outcome": "ok",
          },
        });
        const statement = spans.find((s) => s.parentSpanId === tool?.spanId);
        expect(statement).toMatchObject({
          traceId: caller.traceId,
          kind: CLIENT,
          name: "SELECT books",
          attributes: { "db.system.name": "sqlite", "db.query.summary": "SELECT books", "db.operation.name": "SELECT" },
        });
        const failed = spans.find((s) => s.name === "tools/call execute_query" && s.traceId !== caller.traceId);
        expect(failed?.attributes).toMatchObject({
          "mcp.tool.outcome": "refused",
          "mcp.tool.refusal_cause": "sql_policy",
          "error.type": "tool_error",
        });
        // Its statement's span says why too: the refusal's cause, not the error's class.
        expect(spans.find((s) => s.parentSpanId === failed?.spanId)).toMatchObject({
          name: "DELETE books",
          status: { code: STATUS_ERROR },
          attributes: { "db.operation.name": "DELETE", "error.type": "sql_policy" },
        });

        // A statement SQLite failed, back from the executor's process: SQLite's code, not the error's class.
        expect(spans.find((s) => s.name === "SELECT nowhere")).toMatchObject({
          status: { code: STATUS_ERROR },
          attributes: { "error.type": "SQLITE_ERROR" },
        });

        // Each transaction: the batch span under the tool span, and a span per statement that ran under the batch.
        const batchUnder = (outcome: string) => {
          const call = spans.find(
            (s) => s.name === "tools/call execute_transaction" && s.attributes["mcp.tool.outcome"] === outcome,
          );
          const batch = spans.find((s) => s.parentSpanId === call?.spanId);
          const statements = spans
            .filter((s) => s.parentSpanId === batch?.spanId)
            .sort(
              (a, b) =>
                Number(a.attributes["mcp_toolkit.db.statement.index"]) -
                Number(b.attributes["mcp_toolkit.db.statement.index"]),
            );
          return { batch, statements };
        };
        const ok = batchUnder("ok");
        expect(ok.batch).toMatchObject({
          kind: CLIENT,
          name: "BATCH INSERT books; UPDATE books; SELECT books",
          attributes: { "db.system.name": "sqlite", "db.operation.name": "BATCH", "db.operation.batch.size": 3 },
        });
        expect(ok.statements.map((s) => [s.name, s.kind, s.traceId, s.attributes])).toEqual(
          ["INSERT books", "UPDATE books", "SELECT books"].map((summary, i) => [
            summary,
            INTERNAL,
            ok.batch?.traceId,
            {
              "db.system.name": "sqlite",
              "db.query.summary": summary,
              "db.operation.name": summary.split(" ")[0],
              "mcp_toolkit.db.statement.index": i + 1,
            },
          ]),
        );
        const failing = batchUnder("error");
        // The batch failed as its second statement did: SQLite's code, not the error's class.
        expect(failing.batch).toMatchObject({
          status: { code: STATUS_ERROR },
          attributes: { "db.operation.batch.size": 3, "error.type": "SQLITE_CONSTRAINT_PRIMARYKEY" },
        });
        // The third statement never ran: no span for it. The second failed, and says how.
        expect(failing.statements.map((s) => s.attributes["mcp_toolkit.db.statement.index"])).toEqual([1, 2]);
        expect(failing.statements[0]?.attributes["error.type"]).toBeUndefined();
        expect(failing.statements[1]).toMatchObject({
          name: "INSERT books",
          status: { code: STATUS_ERROR },
          attributes: { "error.type": "SQLITE_CONSTRAINT_PRIMARYKEY" },
        });

        const secrets = ["BOUND-SECRET-1", "LITERAL-SECRET-2", "BOUND-SECRET-3", "BOUND-SECRET-4", "LITERAL-SECRET-5"];
        for (const secret of [...secrets, "BOUND-SECRET-6", "BOUND-SECRET-7"]) {
          expect(receiver.bodies.join("\n")).not.toContain(secret);
        }
      } finally {
        cleanup();
      }
    },
  );
});

describe("mcp-sqlite traces of resources and prompts", () => {
  it("puts the statement a resources/read or prompts/get waited on under its span, no values", async () => {
    const receiver = await startOtlpReceiver();
    const { dir, cleanup } = tempDir();
    try {
      const server = await start("bin", "stdio", ["--db", join(dir, "t.db")], otelEnv(receiver), "modern");
      await server.call("execute_write", { sql: "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT)" });
      await server.call("execute_write", { sql: "INSERT INTO books (title) VALUES ('ROW-SECRET')" });
      const read = callerTraceparent();
      await server.client.readResource({ uri: "sqlite://table/books", _meta: { traceparent: read.traceparent } });
      const prompt = callerTraceparent();
      await server.client.getPrompt({ name: "explore-database", _meta: { traceparent: prompt.traceparent } });
      await server.close();
      const spans = await receiver.waitFor((all) => all.some((s) => s.name === "prompts/get explore-database"));
      for (const [caller, name, statement] of [
        [read, "resources/read", "SELECT books"],
        [prompt, "prompts/get explore-database", "SELECT sqlite_schema"],
      ] as const) {
        const request = spans.find((s) => s.traceId === caller.traceId && s.name === name);
        expect(request).toMatchObject({ parentSpanId: caller.spanId, kind: SERVER });
        const under = spans.filter((s) => s.parentSpanId === request?.spanId);
        expect(under.map((s) => [s.kind, s.name, s.attributes["db.system.name"]])).toContainEqual([
          CLIENT,
          statement,
          "sqlite",
        ]);
      }
      expect(receiver.bodies.join("\n")).not.toContain("ROW-SECRET");
    } finally {
      cleanup();
    }
  }, 60_000);
});
