import { definePrompt, type PromptDefinition } from "@mcp-toolkit/core";
import type { NamedObject } from "../catalog-list.js";
import { schemaText } from "../resources/schema.js";
import { runTraced } from "../statement-span.js";
import type { ToolContext } from "../tools/context.js";
import { userMessage } from "./message.js";

/** Tables whose sizes the prompt lists; list_tables names the rest. */
export const SIZES_LISTED = 100;

/** explore-database: the schema and each table's size, and a request to summarise the data and suggest questions. */
export function exploreDatabasePrompt(ctx: ToolContext): PromptDefinition {
  return definePrompt({
    name: "explore-database",
    title: "Explore the database",
    description: "The schema and table sizes, with a request to summarise what the data holds and suggest questions.",
    arguments: {},
    handler: async (_, { signal }) => {
      // Counting a big table's rows takes a while: a cancelled prompt stops it.
      const { tables, more } = (await runTraced(
        ctx.executor,
        { op: "names", limit: SIZES_LISTED, counts: true, limits: ctx.limits },
        signal,
      )) as { tables: NamedObject[]; more: boolean };
      const sizes = tables.length
        ? tables.map((t) => `- ${t.name}: ${t.type === "view" ? "view" : sizeOf(t)}`).join("\n") +
          (more
            ? `\n- … more than ${SIZES_LISTED}; list_tables names them (past its own cap, it says how to page through them)`
            : "")
        : "(no tables yet)";
      // The schema gets what the sizes and the instructions leave of the response cap.
      const room = ctx.limits.maxBytes - Buffer.byteLength(sizes) - 600;
      const schema = room > 0 ? await schemaText(ctx, room) : "-- left out: the table list fills the response cap";
      return userMessage(
        "Explore this SQLite database",
        `Here is a SQLite database.\n\nTables and sizes:\n${sizes}\n\nSchema:\n\`\`\`sql\n${schema}\`\`\`\n\n` +
          "Summarise what the data is about and how the tables relate, then suggest five questions it could answer. " +
          "Use execute_query (read-only) to look at sample rows where that helps; do not change anything.",
      );
    },
  });
}

/** A table's size for the list: its rows, or why there is no count (damaged pages, or a module SQLite lacks). */
function sizeOf({ rowCount, uncounted = "its pages are damaged" }: NamedObject): string {
  return rowCount === null ? `rows not counted (${uncounted}; describe_table says more)` : `${rowCount} rows`;
}
