// A tool that asks its user before it changes anything: `delete_item` removes one of `items` once confirmed. For the
// tests of questions a call puts to its user (unanswered, declined, cancelled while asked).
import { z } from "zod";
import { unconfirmed } from "../src/confirm.js";
import { ok } from "../src/results.js";
import { defineTool } from "../src/tool.js";

export function deleteItemTool(items: Map<string, string>) {
  return defineTool({
    name: "delete_item",
    title: "Delete an item",
    description: "Delete one item.",
    inputSchema: { name: z.string().describe("The item.") },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    handler: async ({ name }, call) => {
      const refused = unconfirmed(await call.confirm(`Delete item ${name}?`), `deleting item ${name}`);
      if (refused) return refused;
      items.delete(name);
      return ok(`deleted ${name}`);
    },
  });
}
