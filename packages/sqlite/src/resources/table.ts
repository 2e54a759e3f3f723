import { type Completer, errorMessage, type ResourceTemplateDefinition, resourceError } from "@mcp-toolkit/core";
import { ResourceNotFoundError } from "@modelcontextprotocol/server";
import type { NamedObject } from "../catalog-list.js";
import { MAX_LISTED_TABLES } from "../schema-watch.js";
import { runTraced } from "../statement-span.js";
import { SAMPLE_ROWS } from "../table-content.js";
import { quoteIdentifier } from "../table-name.js";
import type { ToolContext } from "../tools/context.js";
import { fitTableContent } from "./table-fit.js";

/** How the lookup (table-lookup.ts) says a name is no table or view it can see, in main, another database or temp. */
const NOT_THERE = /^no (table or view|database|temporary table or view) named /;

/** The URI of one table's resource. */
export function tableUri(name: string): string {
  return `sqlite://table/${encodeURIComponent(name)}`;
}

/**
 * Whether a table's URI names it: "" gives sqlite://table/, which names nothing, and "." and ".." are path segments
 * every URL parser removes (sqlite://table/.. is sqlite://table/; %2E%2E too), so none reaches its table. Pure.
 */
export function hasTableUri(name: string): boolean {
  return name !== "" && name !== "." && name !== "..";
}

/**
 * sqlite://table/{name}: one table or view — its CREATE statement, columns, indexes, row count and first rows —
 * listed for every table and view (up to MAX_LISTED_TABLES), with completion of the name.
 */
export function tableResource(ctx: ToolContext): ResourceTemplateDefinition {
  return {
    name: "table",
    title: "Table",
    description: `A table or view: CREATE statement, columns, indexes, row count and its first ${SAMPLE_ROWS} rows.`,
    uriTemplate: "sqlite://table/{name}",
    mimeType: "application/json",
    // Paged by name (the cursor holds the last name listed and how many were), so a table created or dropped
    // between pages moves nothing: one there throughout is listed once.
    page: async (after, limit) => {
      const at = after === undefined ? { name: undefined, listed: 0 } : readTablePosition(after);
      // Noted before the names are read, so any change after them moves the cookie past what the watch knows.
      await ctx.schema?.before().catch(() => {});
      const room = Math.min(limit, MAX_LISTED_TABLES - at.listed);
      const { tables, more } = (await runTraced(ctx.executor, {
        op: "names",
        ...(at.name === undefined ? {} : { after: at.name }),
        limit: room,
        limits: ctx.limits,
      })) as { tables: NamedObject[]; more: boolean };
      const last = tables.at(-1);
      const listed = at.listed + tables.length;
      // A table named "", "." or ".." has no URI that reaches it: the tools do.
      const resources = tables
        .filter((t) => hasTableUri(t.name))
        .map((t) => ({
          uri: tableUri(t.name),
          name: t.name,
          title: `${t.type === "view" ? "View" : "Table"} ${t.name}`,
          mimeType: "application/json",
        }));
      const next = more && last && listed < MAX_LISTED_TABLES ? JSON.stringify([last.name, listed]) : undefined;
      return { resources, ...(next === undefined ? {} : { after: next }) };
    },
    complete: { name: completeTableName(ctx, hasTableUri) },
    read: async (uri, { name = "" }, { signal }) => {
      let table: string;
      try {
        table = decodeURIComponent(name);
      } catch {
        throw resourceError(`${uri.href}: the table name is not valid percent-encoding; list_tables shows the names`);
      }
      try {
        return {
          contents: [{ uri: uri.href, mimeType: "application/json", text: await tableText(ctx, table, signal) }],
        };
      } catch (error) {
        const refusal = (error as { refusal?: string }).refusal;
        // The reader cannot narrow a resource: it is told how to read the rows it wants instead.
        const instead =
          refusal === "timeout"
            ? `. To read part of it, use execute_query with a WHERE or LIMIT (SELECT * FROM ${quoteIdentifier(table)} LIMIT 20); describe_table shows its columns (a view's definition too)`
            : "";
        // No such table: resource not found, which the spec and SDK clients know by its data, { uri }. The URI names
        // it whole, so what describe_table's reading of it as [database.]name missed ("foo.bar": no database "foo")
        // is only that.
        if (NOT_THERE.test(errorMessage(error))) {
          const shown = JSON.stringify(table.length > 200 ? `${table.slice(0, 200)}…` : table);
          const message = `${uri.href}: no table or view named ${shown}; list_tables shows what exists`;
          throw new ResourceNotFoundError(uri.href, message);
        }
        throw resourceError(`${uri.href}: ${errorMessage(error)}${instead}`, refusal);
      }
    },
  };
}

/**
 * One table's resource text (JSON) within the response cap; throws, naming list_tables, for an unknown table. A slow
 * view's read stops when `signal` (the request's) aborts.
 */
export async function tableText(ctx: ToolContext, table: string, signal?: AbortSignal): Promise<string> {
  let value: Record<string, unknown>;
  try {
    value = await runTraced(ctx.executor, { op: "table", table, limits: ctx.limits }, signal);
  } catch (error) {
    // A blank name is most often none given; a table may still be named " ", and then it is read.
    if (table.trim() === "" && /no table or view named/.test(errorMessage(error))) {
      throw new Error("no table named: give a table or view name; list_tables shows them");
    }
    throw error;
  }
  return JSON.stringify(fitTableContent(value, ctx.limits));
}

/** A table list's place from its cursor: the last name listed and how many were; refused (-32602) when not one. */
export function readTablePosition(text: string): { name: string; listed: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const [name, listed] = Array.isArray(parsed) ? parsed : [];
  if (typeof name !== "string" || !Number.isSafeInteger(listed) || listed < 1 || listed > MAX_LISTED_TABLES) {
    throw resourceError("Invalid cursor: not a place in the table list; list again without a cursor to start over");
  }
  return { name, listed };
}

/**
 * Table and view names starting with what was typed, in any case, up to MAX_LISTED_TABLES (those `offered`, when
 * given): the SDK sends the first MAX_COMPLETIONS and counts them all into `total` and `hasMore`.
 */
export function completeTableName(ctx: ToolContext, offered: (name: string) => boolean = () => true): Completer {
  return async (value) => {
    const { tables } = (await runTraced(ctx.executor, {
      op: "names",
      prefix: value,
      limit: MAX_LISTED_TABLES,
      limits: ctx.limits,
    })) as { tables: NamedObject[] };
    return tables.map((t) => t.name).filter(offered);
  };
}
