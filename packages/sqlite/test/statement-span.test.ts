import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TRANSPORTS, useServers } from "../../core/test/built-server.js";
import { callerTraceparent, otelEnv, startOtlpReceiver } from "../../core/test/otlp-receiver.js";
import { tempDir } from "./helpers.js";

// The built bin continues a caller's trace from params._meta and exports, over OTLP, a server span per tool call
// with a statement span under it: the SQL's shape, never its values.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);
const SERVER = 2;
const CLIENT = 3;

describe("mcp-sqlite traces", () => {
  it.each(TRANSPORTS)(
    "over %s: tools/call span under the caller's, statement span under it, no values",
    async (transport) => {
      const receiver = await startOtlpReceiver();
      const { dir, cleanup } = tempDir();
      try {
        const server = await start("bin", transport, ["--db", join(dir, "t.db")], otelEnv(receiver));
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
        await server.close();

        const spans = await receiver.waitFor((all) => all.filter((s) => s.name.startsWith("tools/call")).length >= 4);
        const tool = spans.find((s) => s.traceId === caller.traceId && s.name === "tools/call execute_query");
        expect(tool).toMatchObject({
          parentSpanId: caller.spanId,
          kind: SERVER,
          service: "mcp-sqlite",
          attributes: {
            "mcp.method.name": "tools/call",
            "gen_ai.tool.name": "execute_query",
            "mcp.protocol.version": "2026-07-28",
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
          "mcp.tool.outcome": "error",
          "error.type": "tool_error",
        });
        for (const secret of ["BOUND-SECRET-1", "LITERAL-SECRET-2", "BOUND-SECRET-3"]) {
          expect(receiver.bodies.join("\n")).not.toContain(secret);
        }
      } finally {
        cleanup();
      }
    },
  );
});
