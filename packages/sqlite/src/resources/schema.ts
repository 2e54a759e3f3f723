import { type ResourceDefinition, truncateToBytes } from "@mcp-toolkit/core";
import { runTraced } from "../statement-span.js";
import type { ToolContext } from "../tools/context.js";

/** sqlite://schema: every CREATE statement, cut at the response cap like a tool's reply. */
export function schemaResource(ctx: ToolContext): ResourceDefinition {
  return {
    name: "schema",
    title: "Database schema",
    description: "Every CREATE statement in the database.",
    uri: "sqlite://schema",
    mimeType: "application/sql",
    read: async (uri) => ({
      contents: [{ uri: uri.href, mimeType: "application/sql", text: await schemaText(ctx) }],
    }),
  };
}

/** The schema as SQL text within the response cap; the prompts quote it too. */
export async function schemaText(ctx: ToolContext, maxBytes = ctx.limits.maxBytes): Promise<string> {
  const { text } = (await runTraced(ctx.executor, { op: "schema", limits: ctx.limits })) as { text: string };
  return truncateToBytes(
    text,
    maxBytes,
    "list_tables names the tables and views (past its own cap, it says how to page through them); describe_table gives any one's CREATE statement",
  ).text;
}
