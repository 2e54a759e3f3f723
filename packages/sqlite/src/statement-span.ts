import { type Tracing, tracing } from "@mcp-toolkit/core";
import type { EngineRequest, SqlStatement, StatementTiming } from "./engine-request.js";
import type { StatementObserver } from "./executor.js";
import { MAX_SUMMARY_CHARS, querySummary } from "./sql-summary.js";
import { sqliteCodeOf } from "./sqlite-code.js";
import { quoteIdentifier } from "./table-name.js";

/**
 * Run one engine request in the executor, inside its span (withStatementSpan): the resources' and prompts' reads,
 * which have no tool call around them, so a `resources/read` or `prompts/get` span shows the query it waited on.
 */
export function runTraced(
  executor: { run(request: EngineRequest, signal?: AbortSignal): Promise<Record<string, unknown>> },
  request: EngineRequest,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  return withStatementSpan(request, () => executor.run(request, signal));
}

/**
 * Run one engine request inside a span of the OpenTelemetry database conventions (`db.system.name` sqlite and a
 * query summary), under the tool call's span. The statement runs in the executor's child process; its span is made
 * here, around the request. Bound values and the SQL text never go on it: the summary is keywords and names only.
 * A transaction's span is the conventions' batch (`db.operation.batch.size`), with one span per statement that ran
 * under it, placed by the times the engine measured (`work` passes the observer on to the executor).
 */
export function withStatementSpan<R extends Record<string, unknown>>(
  request: EngineRequest,
  work: (observe?: StatementObserver) => Promise<R>,
): Promise<R> {
  const traces = tracing();
  if (!traces.enabled) return work();
  const summary = summarize(request);
  const batch = request.op === "transaction" ? request.statements : undefined;
  // A failed request is marked here, with the failed statement's SQLite code or the refusal's cause; the error is
  // thrown again outside the span, where the generic handler would otherwise overwrite it with the class ("Error").
  const ended = traces.inSpan(
    summary || "sqlite",
    {
      kind: "client",
      attributes: {
        "db.system.name": "sqlite",
        "db.query.summary": summary,
        "db.operation.name": batch ? "BATCH" : summary.split(" ")[0],
        "db.operation.batch.size": batch?.length,
      },
    },
    async (span) => {
      if (batch) {
        // Made after the await, where the batch's span is current again; the executor's reply handler has no context.
        let arrived: { timings: StatementTiming[]; at: number } | undefined;
        try {
          return {
            value: await work((timings) => {
              arrived = { timings, at: performance.now() };
            }),
          };
        } catch (error) {
          const failed = arrived?.timings.find((timing) => timing.errorType)?.errorType;
          span.fail(failed ?? (error instanceof Error ? error.constructor.name : "Error"));
          return { error };
        } finally {
          if (arrived) statementSpans(traces, batch, arrived.timings, arrived.at);
        }
      }
      try {
        const value = await work();
        if (Array.isArray(value.rows)) span.set({ "db.response.returned_rows": value.rows.length });
        return { value };
      } catch (error) {
        // The refusal's cause (`sql_policy`, `size`, `timeout`) or SQLite's code, as a batch's statements give
        // them, not "Error".
        const refusal = (error as { refusal?: unknown } | undefined)?.refusal;
        const type = typeof refusal === "string" ? refusal : sqliteCodeOf(error);
        span.fail(type ?? (error instanceof Error ? error.constructor.name : "Error"));
        return { error };
      }
    },
  );
  return ended.then((outcome) => {
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  });
}

/**
 * One span per statement of a transaction that began, under the batch's span (the current one), from the engine's
 * timings; `now` is when they arrived. The statements are steps inside the one database call, so they are internal
 * spans: a count of client spans still counts calls. The index counts from 1, as the error message does.
 */
function statementSpans(traces: Tracing, statements: SqlStatement[], timings: StatementTiming[], now: number): void {
  timings.forEach((timing, i) => {
    const summary = querySummary(statements[i]?.sql ?? "");
    const span = traces.startSpan(summary || "sqlite", {
      kind: "internal",
      startTime: now - timing.agoMs,
      attributes: {
        "db.system.name": "sqlite",
        "db.query.summary": summary,
        "db.operation.name": summary.split(" ")[0] || undefined,
        "mcp_toolkit.db.statement.index": i + 1,
      },
    });
    if (timing.errorType) span.fail(timing.errorType);
    span.end(now - timing.agoMs + timing.ms);
  });
}

function summarize(request: EngineRequest): string {
  switch (request.op) {
    case "query":
    case "write":
      return querySummary(request.sql);
    case "transaction":
      return `BATCH ${request.statements.map((s) => querySummary(s.sql)).join("; ")}`.slice(0, MAX_SUMMARY_CHARS);
    case "table":
      // A table resource's read: its rows, as a SELECT of it would be summarised (a bare name bare, another quoted).
      return querySummary(
        `SELECT * FROM ${/^[A-Za-z_][\w$]*$/.test(request.table) ? request.table : quoteIdentifier(request.table)}`,
      );
    default:
      // The catalog reads (tables, schema, describe…) are our own statements over sqlite_schema.
      return `SELECT sqlite_schema`;
  }
}
