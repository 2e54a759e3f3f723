import { defineTool } from "@mcp-toolkit/core";
import { fields, responseShape, runExchange, type ToolContext } from "../exchange.js";

const INPUT = { url: fields.url, headers: fields.headers, params: fields.params };

/** http_get: the everyday read. */
export function httpGetTool(ctx: ToolContext) {
  return defineTool({
    name: "http_get",
    title: "HTTP GET",
    description: "GET a URL; returns status, key headers, body (JSON pretty, HTML as markdown, images as images).",
    inputSchema: INPUT,
    outputSchema: responseShape,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    handler: (args, call) => runExchange(ctx, { method: "GET", ...args }, call),
  });
}
