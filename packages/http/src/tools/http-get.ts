import { defineTool } from "@mcp-toolkit/core";
import { fields, responseShape, runExchange, type ToolContext } from "../exchange.js";

/** http_get: the everyday read. */
export function httpGetTool(ctx: ToolContext) {
  return defineTool({
    name: "http_get",
    description:
      "GET a URL. Returns status, key headers and the body: JSON pretty-printed, HTML as markdown, binary summarised; long bodies are paged (see http_request).",
    inputSchema: { url: fields.url, headers: fields.headers, params: fields.params },
    outputSchema: responseShape,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    handler: (args, extra) => runExchange(ctx, { method: "GET", ...args }, extra),
  });
}
