import type { ConfirmMode, SettingNames, ToolCall } from "@mcp-toolkit/core";
import { z } from "zod";
import type { EngineRequest, Limits } from "../engine-request.js";
import type { SqliteExecutor, StatementObserver } from "../executor.js";
import type { SchemaWatch } from "../schema-watch.js";
import { withStatementSpan } from "../statement-span.js";

/** What every tool needs: the executor and the limits it passes with each request; the write tools, more. */
export interface ToolContext {
  executor: SqliteExecutor;
  limits: Limits;
  /** Ask the user before a write destroys a table, view, index, trigger or all of a table's rows. */
  confirm?: ConfirmMode;
  /** How a refusal names the server's settings: a bin's flags, or a library's options. */
  names?: SettingNames;
  /** Told after each write and as the resource list is read, to notice a changed list of tables. */
  schema?: SchemaWatch;
}

/** The `sql` input: one statement (an empty one gets a clear error from the engine). */
export const sqlField = z.string().describe("One statement");

/**
 * The `params` input: positional or named values to bind. Declared as `type: ["array", "object"]`, the
 * compact form of the union, to keep tool definitions small; the refinement enforces the same. An array or object
 * sent as JSON text is taken as what it holds: some clients (the MCP Inspector's CLI) send any argument whose schema
 * is not plainly an array or an object as a string.
 */
export const paramsField = z
  .preprocess(
    jsonTextParams,
    z
      .unknown()
      .refine(
        (v) => typeof v === "object" && v !== null,
        "params must be an array (for ?) or an object (for :name), or one of them as JSON text",
      ),
  )
  .meta({ type: ["array", "object"] })
  .optional()
  .describe('Array: ?1, ?2…; object: :name, "1" for ?1; BLOB {"$base64"}');

/** `value`, or the array or object it holds when it is that as JSON text. */
function jsonTextParams(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null ? parsed : value;
  } catch {
    return value;
  }
}

/** One value as a result carries it: text, a number, NULL, an integer past 2^53 as text, or a BLOB as base64. */
const cell = z.union([z.string(), z.number(), z.null(), z.object({ $base64: z.string() })]);

/** Rows as every tool returns them. */
export const rowSetShape = {
  columns: z.array(z.string()),
  rows: z.array(z.array(cell)).describe("One array per row, in column order"),
  rowCount: z.number().int(),
  truncated: z.boolean().optional(),
  total: z.number().int().optional().describe("All rows the statement produced, when truncated"),
  totalIsLowerBound: z.boolean().optional().describe("Counting stopped early; total is a minimum"),
  note: z.string().optional(),
};

/** The outcome of a statement that may change data; RETURNING rows come with it. */
export const changeShape = {
  changes: z.number().int().describe("Rows the statement changed (not its triggers)"),
  lastInsertRowid: z
    .union([z.number(), z.string()])
    .optional()
    .describe("Rowid an INSERT/REPLACE last inserted; else absent"),
  columns: rowSetShape.columns.optional(),
  rows: rowSetShape.rows.optional(),
  rowCount: rowSetShape.rowCount.optional(),
  truncated: rowSetShape.truncated,
  total: rowSetShape.total,
  totalIsLowerBound: rowSetShape.totalIsLowerBound,
  note: rowSetShape.note,
};

/** The limits as a phrase for tool descriptions. */
export function limitsPhrase(ctx: ToolContext): string {
  return `${ctx.limits.maxRows} rows/${Math.round(ctx.limits.maxBytes / 1000)} kB/${ctx.executor.timeoutMs / 1000} s`;
}

/**
 * Run one engine request for a tool call: cancelled with the call, reporting while it runs long how long it has
 * waited behind other statements, then how long it has run.
 */
export function run(ctx: ToolContext, request: EngineRequest, call: ToolCall): Promise<Record<string, unknown>> {
  const work = (observe?: StatementObserver) => {
    let startedAt: number | undefined;
    const started = () => {
      startedAt = performance.now();
    };
    return call.progress.during(ctx.executor.run(request, call.signal, observe, started), (s) =>
      startedAt === undefined
        ? `waiting ${s} s for the statements ahead of it (they run one at a time)`
        : `SQL running for ${Math.round((performance.now() - startedAt) / 100) / 10} s`,
    );
  };
  return withStatementSpan(request, work);
}
