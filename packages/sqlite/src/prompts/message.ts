import type { GetPromptResult } from "@modelcontextprotocol/server";

/** A prompt result of one user message. */
export function userMessage(description: string, text: string): GetPromptResult {
  return { description, messages: [{ role: "user", content: { type: "text", text } }] };
}
