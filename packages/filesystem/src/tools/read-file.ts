import { defineTool } from "@mcp-toolkit/core";
import { z } from "zod";
import type { Context } from "../options.js";
import { readForModel } from "../read.js";

/** Line numbers and counts; fractions are rounded down. */
const line = z.number();

const INPUT = {
  path: z.string().describe("File"),
  offset: line.optional().describe("Start line"),
  limit: line.optional().describe("Max lines"),
  head: line.optional().describe("First N lines"),
  tail: line.optional().describe("Last N lines"),
  skip_bytes: z.number().optional().describe("Skip N bytes of the start line"),
};

/** read_file: one UTF-8 text file, paged by lines under the response cap; images come back as images. */
export function readFileTool(ctx: Context) {
  return defineTool({
    name: "read_file",
    title: "Read file",
    description: `Read a text file; pages at ${ctx.limits.maxResponseBytes} bytes, noting the next offset. Returns images as images, refuses other binaries.`,
    inputSchema: INPUT,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ path, ...args }, call) => {
      const out = await readForModel(ctx, path, args, ctx.limits.maxResponseBytes, {
        signal: call.signal,
        noteUtf8: true,
        version: ctx.versions,
      });
      // The version is the text's last line alone: an outputSchema would have every client validate, and every
      // image carry, a structured copy, which cost a tenth of a small read's time over stdio (bench/README.md).
      if (out.kind === "image") return { content: [{ type: "image", data: out.data, mimeType: out.mimeType }] };
      return { content: [{ type: "text", text: out.text }] };
    },
  });
}
