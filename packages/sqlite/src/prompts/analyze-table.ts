import { definePrompt, errorMessage, resourceError } from "@mcp-toolkit/core";
import { completeTableName, tableText } from "../resources/table.js";
import type { ToolContext } from "../tools/context.js";
import { userMessage } from "./message.js";

/** analyze-table: one table's resource content (schema, indexes, size, first rows) and what to look into. */
export function analyzeTablePrompt(ctx: ToolContext) {
  return definePrompt({
    name: "analyze-table",
    title: "Analyze a table",
    description: "One table's definition, size and first rows, with a request to describe and check its data.",
    arguments: { table: { description: "Table or view name", complete: completeTableName(ctx) } },
    handler: async ({ table = "" }, { signal }) => {
      let content: string;
      try {
        content = await tableText(ctx, table, signal);
      } catch (error) {
        // A view too slow to read within the time limit is no fault of the name given: -32603, as for the resource.
        throw resourceError(`analyze-table: ${errorMessage(error)}`, (error as { refusal?: string }).refusal);
      }
      return userMessage(
        `Analyze ${table}`,
        `A table of a SQLite database, as JSON (definition, indexes, row count, first rows):\n${content}\n\n` +
          "Describe what each column holds and what one row stands for. Then check the data with read-only queries " +
          "(execute_query): NULLs and distinct values per column, ranges of numbers and dates, duplicates, rows that " +
          "break the foreign keys. Report what looks wrong or surprising, and suggest indexes if queries would need them.",
      );
    },
  });
}
