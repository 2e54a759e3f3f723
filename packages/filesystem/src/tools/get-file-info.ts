import { closeSync, lstatSync, readSync, type Stats } from "node:fs";
import { defineTool, imageType, ok, type Utf8Fault } from "@mcp-toolkit/core";
import { z } from "zod";
import type { Context } from "../options.js";
import type { Opened } from "../sandbox-paths.js";
import { shownName } from "../shown-name.js";
import { otherKind, statOnly } from "../stat-only.js";
import { formatBytes, looksBinary } from "../text.js";
import { headFault, hexByte } from "../utf8.js";
import { type BomEncoding, bomEncoding, encodingLabel, unmarkedLayout } from "../utf16.js";

const INPUT = { path: z.string().describe("Path") };
const OUTPUT = {
  path: z.string(),
  type: z.enum(["file", "directory", "other"]),
  symlink: z.boolean(),
  size: z.number(),
  content: z.enum(["text", "image", "binary", "none"]),
  mimeType: z.string().optional(),
  utf8: z.boolean().optional().describe("Text only: its first 8 KiB are UTF-8; if not, read_file shows U+FFFD"),
  encoding: z
    .enum(["UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"])
    .optional()
    .describe("Text with a byte order mark, read decoded"),
  readable: z.boolean().optional().describe("false: the server's user may not read it (see permissions)"),
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
      let file: Opened;
      try {
        file = sandbox.open(path, lex);
      } catch (error) {
        // Metadata needs no read permission: a file the server may not read still tells its mode and owner.
        const seen = statOnly(sandbox, path, lex, error);
        if (!seen) throw error;
        // A folder that may be passed through ("d/." can be looked at) lacks only read permission.
        const searchable = seen.stat.isDirectory() && sandbox.lookAt(path, `${lex}/.`) !== undefined;
        return describe(ctx, lex, { ...seen, fd: undefined, searchable });
      }
      try {
        return describe(ctx, lex, { ...file, code: undefined });
      } finally {
        closeSync(file.fd);
      }
    },
  });
}

/** The reply for what `lex` led to: opened (`fd`), or only stat-ed, since `code` kept it from being opened. */
function describe(
  ctx: Context,
  lex: string,
  seen: { real: string; stat: Stats; fd?: number; code?: string; searchable?: boolean },
) {
  const { sandbox } = ctx;
  const { stat, fd } = seen;
  const type = stat.isFile() ? "file" : stat.isDirectory() ? "directory" : "other";
  let content: "text" | "image" | "binary" | "none" = "none";
  let mimeType: string | undefined;
  let fault: Utf8Fault | undefined;
  let encoding: BomEncoding | undefined;
  let unmarked: "UTF-16" | "UTF-32" | undefined;
  if (type === "file" && fd !== undefined) {
    const head = Buffer.alloc(Math.min(stat.size, HEAD_BYTES));
    const bytes = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    mimeType = imageType(bytes);
    encoding = mimeType ? undefined : bomEncoding(bytes);
    content = mimeType ? "image" : !encoding && looksBinary(bytes) ? "binary" : "text";
    if (content === "text" && !encoding) fault = headFault(bytes, stat.size);
    unmarked = content === "binary" ? unmarkedLayout(bytes) : undefined;
  }
  let symlink = false;
  try {
    symlink = lstatSync(lex).isSymbolicLink();
  } catch {
    // Gone since the open: report what was opened.
  }
  const info = {
    path: sandbox.display(seen.real),
    type,
    symlink,
    size: stat.size,
    content,
    ...(mimeType ? { mimeType } : {}),
    ...(content === "text" ? { utf8: !fault && !encoding } : {}),
    ...(encoding ? { encoding: encodingLabel(encoding) } : {}),
    ...(seen.code === "EACCES" ? { readable: false } : {}),
    modified: stat.mtime.toISOString(),
    created: stat.birthtime.toISOString(),
    accessed: stat.atime.toISOString(),
    permissions: (stat.mode & 0o7777).toString(8).padStart(3, "0"),
  } as const;
  const kind = mimeType
    ? ` (${mimeType})`
    : seen.code === "EACCES"
      ? ` (${unreadable(stat, seen.searchable)})`
      : type === "file"
        ? ` (${content}${notUtf8(fault)}${encodingNote(encoding, unmarked)})`
        : type === "other"
          ? ` (${otherKind(stat)}: no tool reads or writes it)`
          : "";
  const text = [
    `path: ${shownName(info.path)}${symlink ? " (via symlink)" : ""}`,
    `type: ${type}${kind}`,
    `size: ${stat.size} bytes (${formatBytes(stat.size)})`,
    `modified: ${info.modified}`,
    `created: ${info.created}`,
    `accessed: ${info.accessed}`,
    `permissions: ${info.permissions}`,
  ].join("\n");
  return ok(text, info);
}

/**
 * Why the tools cannot read what the server's user may not open, with what the user would change: for a folder it
 * may already pass through (`searchable`), read permission alone.
 */
function unreadable(stat: Stats, searchable = false): string {
  const user = process.getuid ? `, uid ${process.getuid()},` : "";
  const may = stat.isDirectory() ? "list" : "read";
  const grant = may === "list" && !searchable ? "read and search (x)" : "read";
  return `the server's user${user} may not ${may} it; it is owned by uid ${stat.uid}, gid ${stat.gid}: ask the user to grant ${grant} permission`;
}

function encodingNote(encoding: BomEncoding | undefined, unmarked: "UTF-16" | "UTF-32" | undefined): string {
  if (encoding)
    return `, ${encodingLabel(encoding)} with a byte order mark: read_file shows it decoded, and edits keep its encoding`;
  return unmarked
    ? `, laid out as ${unmarked} without a byte order mark, which is not decoded: read_file refuses it`
    : "";
}

function notUtf8(fault: Utf8Fault | undefined): string {
  if (!fault) return "";
  return `, not UTF-8: byte ${hexByte(fault.byte)} on line ${fault.line}; read_file shows such bytes as U+FFFD and edit_file refuses the file`;
}
