import { closeSync, fstatSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ResourceTemplateDefinition, resourceError } from "@mcp-toolkit/core";
import { type Resource, ResourceNotFoundError } from "@modelcontextprotocol/server";
import { Budget } from "../budget.js";
import { pathCompleter } from "../completion.js";
import type { Context } from "../options.js";
import { rootOf } from "../path-policy.js";
import { readForModel } from "../read.js";
import { ToolError } from "../sandbox.js";
import type { Opened } from "../sandbox-paths.js";
import { type WalkStats, walk } from "../walk.js";
import { type ListPosition, readPosition, writePosition } from "./list-position.js";

/** Media types of text formats by extension; a text file with another name is `text/plain`. */
const TEXT_TYPES: Readonly<Record<string, string>> = {
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

/** Media types of binary formats by extension; a binary file with another name is `application/octet-stream`. */
const BINARY_TYPES: Readonly<Record<string, string>> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".bmp": "image/bmp",
  ".ico": "image/vnd.microsoft.icon",
  ".pdf": "application/pdf",
  ".zip": "application/zip",
  ".gz": "application/gzip",
  ".tar": "application/x-tar",
  ".db": "application/vnd.sqlite3",
  ".sqlite": "application/vnd.sqlite3",
  ".sqlite3": "application/vnd.sqlite3",
  ".wasm": "application/wasm",
  ".woff2": "font/woff2",
  ".mp3": "audio/mpeg",
  ".wav": "audio/wav",
  ".mp4": "video/mp4",
};

/** The media type a file's name suggests, if it suggests one (the listing; reading looks at the bytes). Pure. */
export function mimeTypeByName(file: string): string | undefined {
  const ext = path.extname(file).toLowerCase();
  return TEXT_TYPES[ext] ?? BINARY_TYPES[ext];
}

/** A file read as text: its name's text type, else `text/plain` (a `.png` that holds text is text). Pure. */
export function textType(file: string): string {
  return TEXT_TYPES[path.extname(file).toLowerCase()] ?? "text/plain";
}

/** A file read as bytes: its name's binary type, else `application/octet-stream` (a `.json` with NULs). Pure. */
export function binaryType(file: string): string {
  return BINARY_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

/**
 * The workspace's files as resources, `file:///{+path}`: listed (the first `maxEntries` files, depth first in name
 * order, hidden paths never; clients page through them) and read under the same sandbox and caps as read_file —
 * text as text with its media type, images and other binaries as base64 blobs up to maxImageBytes.
 */
export function fileResources(ctx: Context): ResourceTemplateDefinition {
  return {
    name: "file",
    title: "Workspace file",
    description: `A file under the workspace roots, by its absolute path. Text up to ${ctx.limits.maxResponseBytes} bytes (longer files are cut with a note); images and other binaries as base64 blobs up to ${ctx.limits.maxImageBytes} bytes.`,
    uriTemplate: "file:///{+path}",
    page: (after, limit) => listFiles(ctx, after, limit),
    complete: { path: pathCompleter(ctx.sandbox, true) },
    read: async (uri) => {
      await ctx.rootsGate?.ready();
      let file: string;
      try {
        file = filePathOf(uri);
      } catch (error) {
        throw resourceError(`${uri.href}: not a local file URI (${(error as Error).message})`);
      }
      try {
        const out = await readForModel(ctx, file, {}, ctx.limits.maxResponseBytes, {
          binaries: "blob",
          pageWithReadFile: true,
        });
        if (out.kind === "text") {
          return { contents: [{ uri: uri.href, mimeType: textType(file), text: out.empty ? "" : out.text }] };
        }
        const mimeType = out.kind === "image" ? out.mimeType : binaryType(file);
        return { contents: [{ uri: uri.href, mimeType, blob: out.data }] };
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
        const meant = error.refusal === "sandbox" ? meantUri(file, ctx.sandbox.realRoots) : undefined;
        const hint = meant
          ? `; a file URI holds the absolute path: for the workspace's ${meant.rel}, ${meant.uri}`
          : "";
        // No file there: resource not found, which the spec and SDK clients know by its data, { uri }.
        if (error.cause === "ENOENT" || error.cause === "ENOTDIR")
          throw new ResourceNotFoundError(uri.href, error.message);
        throw resourceError(`${error.message}${hint}`, error.refusal);
      }
    },
  };
}

/**
 * The path a `file:///{+path}` URI names. The template's `{+path}` leaves a `?` or `#` in a name as it is (a client
 * filling it with the completed `notes#1.md` sends `file:///…/notes#1.md`), and these resources have no query or
 * fragment, so both are the name's: read as a fragment, that URI named `notes`, another file. Throws for a URI that
 * is no local path (an encoded `/`, bad percent-encoding). Pure.
 */
export function filePathOf(uri: URL): string {
  return fileURLToPath(uri.href.replace(/[?#]/g, (c) => (c === "?" ? "%3F" : "%23")));
}

/**
 * The URI a client likely meant by a `file:///…` path outside every root: the same path under the first root, as a
 * relative path written after `file:///` (`file:///notes.txt`) reads. Undefined for a path inside a root, or one
 * that starts as a root does (an absolute path elsewhere). Pure.
 */
export function meantUri(file: string, realRoots: readonly string[]): { rel: string; uri: string } | undefined {
  const [first] = realRoots;
  if (!first || rootOf(file, realRoots)) return undefined;
  const rel = path.relative(path.parse(file).root, file);
  // A path sharing a root's first folder (/home/…, /tmp/…) is an absolute path, not a relative one.
  const top = (p: string) => path.relative(path.parse(p).root, p).split(path.sep)[0];
  if (!rel || realRoots.some((root) => top(root) === top(file))) return undefined;
  return { rel, uri: pathToFileURL(path.join(first, rel)).href };
}

/**
 * One page of the files: at most `limit`, after the position `after` (from `listPosition`), and the position after
 * the last entry the walk went past when more may follow. The walk resumes there, pruning whole every directory
 * before it, so a page costs its own entries plus the directories on the way back down.
 */
async function listFiles(
  ctx: Context,
  after: string | undefined,
  limit: number,
): Promise<{ resources: Resource[]; after?: string }> {
  await ctx.rootsGate?.ready();
  const { sandbox, limits } = ctx;
  const at = after === undefined ? undefined : readPosition(after, sandbox.realRoots, limits.maxEntries);
  const files: Resource[] = [];
  const budget = new Budget(limits.searchTimeoutMs);
  let listed = at?.listed ?? 0;
  let last: ListPosition | undefined;
  for (const [index, root] of sandbox.realRoots.entries()) {
    if (at && index < at.root) continue;
    if (listed >= limits.maxEntries) return { resources: files };
    const dir = sandbox.openToList(root, root);
    let stats: WalkStats;
    try {
      stats = await walk(sandbox, root, dir, {
        maxDepth: limits.maxDepth,
        maxScan: limits.maxScanEntries,
        budget,
        after: at && index === at.root ? at.path : undefined,
        onEntry: (entry, parent) => {
          last = { root, path: entry.rel.split("/"), listed };
          // A name that is not UTF-8 on disk has no URI that reads it.
          if (entry.type !== "file" || entry.notUtf8) return true;
          const file = listedFile(sandbox, parent, entry.name, path.join(dir.real, entry.rel));
          if (!file) return true;
          files.push(file);
          last.listed = ++listed;
          return files.length < limit && listed < limits.maxEntries;
        },
      });
    } finally {
      closeSync(dir.fd);
    }
    // A page cut by its size, the scan cap or the time limit goes on after the last entry it passed.
    const cut = files.length >= limit || stats.scanCapped || stats.timedOut;
    if (cut && last && listed < limits.maxEntries) return { resources: files, after: writePosition(last) };
  }
  return { resources: files };
}

/**
 * The resource a listed file is, opened as a read opens it (through its directory, not following a link) to take its
 * size: undefined when the server's user may not read it (its mode, or a folder it may list but not enter), as no
 * resources/read of it could succeed and a client's picker would offer what fails when chosen.
 */
function listedFile(sandbox: Context["sandbox"], parent: Opened, name: string, real: string): Resource | undefined {
  const mimeType = mimeTypeByName(real);
  let size: number | undefined;
  try {
    const opened = sandbox.openListedFile(real, parent, name);
    try {
      size = (opened.stat ?? fstatSync(opened.fd)).size;
    } finally {
      closeSync(opened.fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).cause;
    if (code === "EACCES" || code === "EPERM") return undefined;
    // Gone since the directory was read: listed without a size.
  }
  return {
    uri: pathToFileURL(real).href,
    name: sandbox.display(real),
    ...(mimeType ? { mimeType } : {}),
    ...(size === undefined ? {} : { size }),
  };
}
