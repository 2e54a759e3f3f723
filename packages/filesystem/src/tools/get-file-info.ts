import { closeSync, lstatSync, readSync } from "node:fs";
import { defineTool, ok } from "@mcp-toolkit/core";
import { z } from "zod";
import type { Context } from "../options.js";
import { formatBytes, imageType, looksBinary } from "../text.js";

const INPUT = { path: z.string().describe("Path") };
const OUTPUT = {
  path: z.string(),
  type: z.enum(["file", "directory", "other"]),
  symlink: z.boolean(),
  size: z.number(),
  content: z.enum(["text", "image", "binary", "none"]),
  mimeType: z.string().optional(),
  modified: z.string(),
  created: z.string(),
  accessed: z.string(),
  permissions: z.string(),
};

/** get_file_info: metadata of one path, including whether read_file can show it. */
export function getFileInfoTool(ctx: Context) {
  return defineTool({
    name: "get_file_info",
    title: "File info",
    description: "Type, size, times, permissions; for files also text, image or binary.",
    inputSchema: INPUT,
    outputSchema: OUTPUT,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ path }) => {
      const { sandbox } = ctx;
      const lex = sandbox.lexical(path);
      const file = sandbox.open(path, lex);
      try {
        const { stat } = file;
        const type = stat.isFile() ? "file" : stat.isDirectory() ? "directory" : "other";
        let content: "text" | "image" | "binary" | "none" = "none";
        let mimeType: string | undefined;
        if (type === "file") {
          const head = Buffer.alloc(Math.min(stat.size, 8192));
          const n = readSync(file.fd, head, 0, head.length, 0);
          mimeType = imageType(head.subarray(0, n));
          content = mimeType ? "image" : looksBinary(head.subarray(0, n)) ? "binary" : "text";
        }
        let symlink = false;
        try {
          symlink = lstatSync(lex).isSymbolicLink();
        } catch {
          // Gone since the open: report what was opened.
        }
        const info = {
          path: sandbox.display(file.real),
          type,
          symlink,
          size: stat.size,
          content,
          ...(mimeType ? { mimeType } : {}),
          modified: stat.mtime.toISOString(),
          created: stat.birthtime.toISOString(),
          accessed: stat.atime.toISOString(),
          permissions: (stat.mode & 0o7777).toString(8).padStart(3, "0"),
        } as const;
        const text = [
          `path: ${info.path}${symlink ? " (via symlink)" : ""}`,
          `type: ${type}${mimeType ? ` (${mimeType})` : type === "file" ? ` (${content})` : ""}`,
          `size: ${stat.size} bytes (${formatBytes(stat.size)})`,
          `modified: ${info.modified}`,
          `created: ${info.created}`,
          `accessed: ${info.accessed}`,
          `permissions: ${info.permissions}`,
        ].join("\n");
        return ok(text, info);
      } finally {
        closeSync(file.fd);
      }
    },
  });
}
