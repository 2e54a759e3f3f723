import { defineTool } from "@mcp-toolkit/core";
import { fields, responseShape, runExchange, type ToolContext } from "../exchange.js";

const INPUT = {
  url: fields.url,
  body: fields.body,
  headers: fields.headers,
};

/** http_post: send JSON. Not offered in read-only mode. */
export function httpPostTool(ctx: ToolContext) {
  return defineTool({
    name: "http_post",
    title: "HTTP POST",
    description: "POST JSON to a URL (not retried); returns status, key headers, body.",
    inputSchema: INPUT,
    outputSchema: responseShape,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    handler: ({ body, ...args }, call) =>
      runExchange(ctx, { method: "POST", ...args, body: body === undefined ? null : body }, call),
  });
}
