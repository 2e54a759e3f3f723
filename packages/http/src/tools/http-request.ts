import { defineTool } from "@mcp-toolkit/core";
import { z } from "zod";
import { fields, responseShape, runExchange, type ToolContext } from "../exchange.js";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** http_request: any method, with paging and raw HTML. In read-only mode only GET and HEAD. */
export function httpRequestTool(ctx: ToolContext) {
  const methods = ctx.readOnly ? (["GET", "HEAD"] as const) : METHODS;
  return defineTool({
    name: "http_request",
    description:
      "Any HTTP request. Returns status, key headers and the body, max_length characters from start_index; GET/HEAD/PUT/DELETE retry on 429/503.",
    inputSchema: {
      method: z.enum(methods).describe("HTTP method"),
      url: fields.url,
      headers: fields.headers,
      params: fields.params,
      body: z.unknown().optional().describe("JSON value, or a string sent verbatim"),
      max_length: z.number().int().min(1).optional().describe(`Characters to return (default ${ctx.defaultMaxLength})`),
      start_index: z.number().int().min(0).optional().describe("Character offset to start at (default 0)"),
      raw: z.boolean().optional().describe("HTML as-is instead of markdown"),
    },
    outputSchema: responseShape,
    annotations: {
      readOnlyHint: ctx.readOnly,
      destructiveHint: !ctx.readOnly,
      idempotentHint: ctx.readOnly,
      openWorldHint: true,
    },
    handler: ({ max_length, start_index, ...args }, extra) =>
      runExchange(ctx, { ...args, maxLength: max_length, startIndex: start_index }, extra),
  });
}
