import { tracing } from "@mcp-toolkit/core";
import type { EngineRequest } from "./engine.js";
import { MAX_SUMMARY_CHARS, querySummary } from "./sql-summary.js";

/**
 * Run one engine request inside a span of the OpenTelemetry database conventions (`db.system.name` sqlite and a
 * query summary), under the tool call's span. The statement runs in the executor's child process; its span is made
 * here, around the request. Bound values and the SQL text never go on it: the summary is keywords and names only.
 */
export function withStatementSpan<R extends Record<string, unknown>>(
  request: EngineRequest,
  work: () => Promise<R>,
): Promise<R> {
  const traces = tracing();
  if (!traces.enabled) return work();
  const summary = summarize(request);
  return traces.inSpan(
    summary || "sqlite",
    {
      kind: "client",
      attributes: {
        "db.system.name": "sqlite",
        "db.query.summary": summary,
        "db.operation.name": request.op === "transaction" ? "BATCH" : summary.split(" ")[0],
        "db.operation.batch.size": request.op === "transaction" ? request.statements.length : undefined,
      },
    },
    async (span) => {
      const value = await work();
      if (Array.isArray(value.rows)) span.set({ "db.response.returned_rows": value.rows.length });
      return value;
    },
  );
}

function summarize(request: EngineRequest): string {
  switch (request.op) {
    case "query":
    case "write":
      return querySummary(request.sql);
    case "transaction":
      return `BATCH ${request.statements.map((s) => querySummary(s.sql)).join("; ")}`.slice(0, MAX_SUMMARY_CHARS);
    default:
      // The catalog reads (tables, schema, describe…) are our own statements over sqlite_schema.
      return `SELECT sqlite_schema`;
  }
}
