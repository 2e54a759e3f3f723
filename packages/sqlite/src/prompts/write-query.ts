import { definePrompt, resourceError } from "@mcp-toolkit/core";
import { schemaText } from "../resources/schema.js";
import type { ToolContext } from "../tools/context.js";
import { userMessage } from "./message.js";

/** Longest question taken, in characters (code points: an emoji is one). */
export const MAX_QUESTION_CHARS = 2000;

/** write-query: the schema and a question, asking for one safe SELECT that answers it. */
export function writeQueryPrompt(ctx: ToolContext) {
  return definePrompt({
    name: "write-query",
    title: "Write a query",
    description: "The schema and your question, asking for one read-only SELECT that answers it.",
    arguments: { question: { description: "What you want to know, in plain words" } },
    handler: async ({ question = "" }) => {
      if (question.trim() === "") throw resourceError("write-query needs a question: say what you want to know");
      const chars = [...question].length;
      if (chars > MAX_QUESTION_CHARS) {
        throw resourceError(`the question is ${chars} characters; keep it to ${MAX_QUESTION_CHARS} at most`);
      }
      const room = ctx.limits.maxBytes - Buffer.byteLength(question) - 800;
      const schema = await schemaText(ctx, Math.max(room, 0));
      return userMessage(
        "Write a query",
        `Schema of the SQLite database:\n\`\`\`sql\n${schema}\`\`\`\n\nQuestion: ${question}\n\n` +
          "Write one SELECT statement (SQLite dialect) that answers the question. It must only read: no INSERT, UPDATE, " +
          "DELETE or DDL, and one statement only. Pass values as ? parameters, not spliced into the text; add a LIMIT " +
          "when many rows could match. Run it with execute_query and explain the answer.",
      );
    },
  });
}
