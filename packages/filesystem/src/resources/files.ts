import { closeSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ResourceTemplateDefinition, resourceError } from "@mcp-toolkit/core";
import type { Resource } from "@modelcontextprotocol/server";
import { Budget } from "../budget.js";
import { pathCompleter } from "../completion.js";
import type { Context } from "../options.js";
import { readForModel } from "../read.js";
import { ToolError } from "../sandbox.js";
import { walk } from "../walk.js";

/** Media types by extension, for the listing (read_file's sniffing decides on reading). */
const TYPES: Readonly<Record<string, string>> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".markdown": "text/markdown",
  ".json": "application/json",
  ".csv": "text/csv",
  ".tsv": "text/tab-separated-values",
  ".html": "text/html",
  ".htm": "text/html",
  ".css": "text/css",
  ".xml": "application/xml",
  ".yaml": "application/yaml",
  ".yml": "application/yaml",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".ts": "text/x-typescript",
  ".py": "text/x-python",
  ".sh": "text/x-shellscript",
  ".sql": "application/sql",
  ".svg": "image/svg+xml",
};

/** The media type a file's name suggests, if it suggests one. Pure. */
export function mimeTypeByName(file: string): string | undefined {
  return TYPES[path.extname(file).toLowerCase()];
}

/**
 * The workspace's files as resources, `file:///{+path}`: listed (the first `maxEntries` files, depth first in name
 * order, hidden paths never; clients page through them) and read under the same sandbox and caps as read_file —
 * text as text with its media type, images as blobs, other binaries refused with the reason.
 */
export function fileResources(ctx: Context): ResourceTemplateDefinition {
  return {
    name: "file",
    title: "Workspace file",
    description: `A file under the workspace roots. Text up to ${ctx.limits.maxResponseBytes} bytes (longer files are cut with a note), images as blobs; other binaries are refused.`,
    uriTemplate: "file:///{+path}",
    list: () => listFiles(ctx),
    complete: { path: pathCompleter(ctx.sandbox, true) },
    read: async (uri) => {
      let file: string;
      try {
        file = fileURLToPath(uri);
      } catch (error) {
        throw resourceError(`${uri.href}: not a local file URI (${(error as Error).message})`);
      }
      try {
        const out = await readForModel(ctx, file, {}, ctx.limits.maxResponseBytes);
        return {
          contents: [
            out.kind === "image"
              ? { uri: uri.href, mimeType: out.mimeType, blob: out.data }
              : { uri: uri.href, mimeType: textType(file), text: out.text },
          ],
        };
      } catch (error) {
        if (error instanceof ToolError) throw resourceError(error.message);
        throw error;
      }
    },
  };
}

/** A text file's media type: by its name, unless that names a raster image (an SVG is text). */
function textType(file: string): string {
  const type = mimeTypeByName(file);
  return type && !/^image\/(png|jpeg|gif|webp)$/.test(type) ? type : "text/plain";
}

async function listFiles(ctx: Context): Promise<Resource[]> {
  const { sandbox, limits } = ctx;
  const files: Resource[] = [];
  const budget = new Budget(limits.searchTimeoutMs);
  for (const root of sandbox.realRoots) {
    if (files.length >= limits.maxEntries) break;
    const dir = sandbox.openDir(root, root);
    try {
      await walk(sandbox, root, dir, {
        maxDepth: limits.maxDepth,
        maxScan: limits.maxScanEntries,
        budget,
        onEntry: (entry) => {
          if (entry.type !== "file") return true;
          const real = path.join(dir.real, entry.rel);
          const mimeType = mimeTypeByName(real);
          files.push({ uri: pathToFileURL(real).href, name: sandbox.display(real), ...(mimeType ? { mimeType } : {}) });
          return files.length < limits.maxEntries;
        },
      });
    } finally {
      closeSync(dir.fd);
    }
  }
  return files;
}
