import { closeSync, lstatSync, readSync } from "node:fs";
import { defineTool, imageType, ok, type Utf8Fault } from "@mcp-toolkit/core";
import { z } from "zod";
import type { Context } from "../options.js";
import { shownName } from "../shown-name.js";
import { formatBytes, looksBinary } from "../text.js";
import { headFault, hexByte } from "../utf8.js";
import { bomEncoding, encodingLabel, looksUnmarkedUtf16, type Utf16 } from "../utf16.js";

const INPUT = { path: z.string().describe("Path") };
const OUTPUT = {
  path: z.string(),
  type: z.enum(["file", "directory", "other"]),
  symlink: z.boolean(),
  size: z.number(),
  content: z.enum(["text", "image", "binary", "none"]),
  mimeType: z.string().optional(),
  utf8: z.boolean().optional().describe("Text only: its first 8 KiB are UTF-8; if not, read_file shows U+FFFD"),
  encoding: z.enum(["UTF-16LE", "UTF-16BE"]).optional().describe("Text with a byte order mark, read decoded"),
  modified: z.string(),
  created: z.string(),
  accessed: z.string(),
  permissions: z.string(),
};

/** How much of a file is read to tell text, image and binary apart, and to check its UTF-8. */
const HEAD_BYTES = 8192;

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
        let fault: Utf8Fault | undefined;
        let encoding: Utf16 | undefined;
        let unmarked = false;
        if (type === "file") {
          const head = Buffer.alloc(Math.min(stat.size, HEAD_BYTES));
          const bytes = head.subarray(0, readSync(file.fd, head, 0, head.length, 0));
          mimeType = imageType(bytes);
          encoding = mimeType ? undefined : bomEncoding(bytes);
          content = mimeType ? "image" : !encoding && looksBinary(bytes) ? "binary" : "text";
          if (content === "text" && !encoding) fault = headFault(bytes, stat.size);
          unmarked = content === "binary" && looksUnmarkedUtf16(bytes);
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
          ...(content === "text" ? { utf8: !fault && !encoding } : {}),
          ...(encoding ? { encoding: encodingLabel(encoding) } : {}),
          modified: stat.mtime.toISOString(),
          created: stat.birthtime.toISOString(),
          accessed: stat.atime.toISOString(),
          permissions: (stat.mode & 0o7777).toString(8).padStart(3, "0"),
        } as const;
        const text = [
          `path: ${shownName(info.path)}${symlink ? " (via symlink)" : ""}`,
          `type: ${type}${mimeType ? ` (${mimeType})` : type === "file" ? ` (${content}${notUtf8(fault)}${utf16Note(encoding, unmarked)})` : ""}`,
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

function utf16Note(encoding: Utf16 | undefined, unmarked: boolean): string {
  if (encoding)
    return `, ${encodingLabel(encoding)} with a byte order mark: read_file shows it decoded, and edits keep its encoding`;
  return unmarked ? ", laid out as UTF-16 without a byte order mark, which is not decoded: read_file refuses it" : "";
}

function notUtf8(fault: Utf8Fault | undefined): string {
  if (!fault) return "";
  return `, not UTF-8: byte ${hexByte(fault.byte)} on line ${fault.line}; read_file shows such bytes as U+FFFD and edit_file refuses the file`;
}
