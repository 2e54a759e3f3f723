import { defineTool, errorMessage } from "@mcp-toolkit/core";
import { z } from "zod";
import type { Context } from "../options.js";
import { readForModel } from "../read.js";
import { ToolError } from "../sandbox.js";

/** Bytes of header and separator per file in the combined text. */
const OVERHEAD = 16;

const INPUT = { paths: z.array(z.string()).describe("Files") };

/** read_multiple_files: several files in one call, sharing one byte budget; a failure is reported per file. */
export function readMultipleFilesTool(ctx: Context) {
  return defineTool({
    name: "read_multiple_files",
    title: "Read several files",
    description: `Read several text files (${ctx.limits.maxResponseBytes} bytes in all); errors are per file.`,
    inputSchema: INPUT,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ paths }, call) => {
      const { maxFiles, maxResponseBytes } = ctx.limits;
      if (paths.length === 0) throw new ToolError("paths is empty; give at least one file path");
      const shown = paths.slice(0, maxFiles);
      let remaining = maxResponseBytes - 200;
      const parts: string[] = [];
      for (const [i, path] of shown.entries()) {
        const header = `== ${path} ==\n`;
        // A fair share of what is left, so one big file cannot starve the others.
        const share = Math.floor(remaining / (shown.length - i)) - Buffer.byteLength(header) - OVERHEAD;
        let body: string;
        if (share < 256) {
          body = "[not read: the response budget is used up; read it with read_file]";
        } else {
          try {
            const out = await readForModel(ctx, path, {}, share, { signal: call.signal });
            body = out.kind === "image" ? `[${out.mimeType} image: read it with read_file]` : out.text;
          } catch (error) {
            body = `[error: ${errorMessage(error)}]`;
          }
        }
        call.progress.report(i + 1, shown.length, `${i + 1} of ${shown.length} files read`);
        const part = `${header}${body}\n`;
        remaining -= Buffer.byteLength(part);
        parts.push(part);
      }
      if (paths.length > maxFiles) {
        parts.push(`[${paths.length - maxFiles} more paths not read: at most ${maxFiles} per call]\n`);
      }
      return { content: [{ type: "text", text: parts.join("\n") }] };
    },
  });
}
