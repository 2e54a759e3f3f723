import { defineTool } from "@mcp-toolkit/core";
import { z } from "zod";
import { fields, responseShape, runExchange, type ToolContext } from "../exchange.js";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** http_request: the listed methods, with paging and raw bodies. In read-only mode only GET and HEAD. */
export function httpRequestTool(ctx: ToolContext) {
  const methods = ctx.readOnly ? (["GET", "HEAD"] as const) : METHODS;
  return defineTool({
    name: "http_request",
    title: "HTTP request",
    description: "Pages body by max_length/start_index; idempotent methods retry on 429/503.",
    inputSchema: {
      // Any case is taken ("delete" is DELETE, as curl and fetch take it); the listed schema keeps the plain enum.
      method: z
        .preprocess(
          (value) => (typeof value === "string" ? value.toUpperCase() : value),
          z.enum(methods, { error: methodError(ctx) }),
        )
        .describe("HTTP method"),
      url: fields.url,
      headers: fields.headers,
      params: fields.params,
      body: fields.body.optional(),
      // Plain numbers (floored) list shorter than integers, which carry a 16-digit maximum.
      // The ceiling is named, not enforced by the schema: a larger max_length is cut to it, and the result says so.
      max_length: z
        .number()
        .min(1)
        .optional()
        .describe(`Max chars ≤${ctx.maxLengthLimit}, default ${ctx.defaultMaxLength}`),
      start_index: z.number().min(0).optional().describe("Char offset (not POST/PATCH)"),
      // One switch for "as the server sent it": a second field for the headers would cost every conversation.
      raw: z.boolean().optional().describe("Body unconverted, all headers"),
    },
    outputSchema: responseShape,
    annotations: {
      readOnlyHint: ctx.readOnly,
      destructiveHint: !ctx.readOnly,
      idempotentHint: ctx.readOnly,
      openWorldHint: true,
    },
    handler: ({ max_length, start_index, ...args }, call) =>
      runExchange(ctx, { ...args, maxLength: floor(max_length), startIndex: floor(start_index) }, call),
  });
}

/** A method not listed: which ones are, and in read-only mode why the rest are not. */
function methodError(ctx: ToolContext): string {
  return ctx.readOnly
    ? `only GET and HEAD: this server is read-only, set by ${ctx.settingNames("readOnly")}`
    : `one of ${METHODS.join(", ")}`;
}

function floor(n: number | undefined): number | undefined {
  return n === undefined ? undefined : Math.floor(n);
}
