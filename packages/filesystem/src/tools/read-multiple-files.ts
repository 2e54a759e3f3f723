import { defineTool, errorMessage, sliceUtf8 } from "@mcp-toolkit/core";
import { z } from "zod";
import type { Context } from "../options.js";
import { readForModel } from "../read.js";
import { ToolError } from "../sandbox.js";

/** Bytes per file besides its header and body: the newline after the body and the blank line between files. */
const OVERHEAD = 2;
/** Room kept for the closing note on paths not read besides its longest form's text: the digits of paths[i], its newline. */
const NOTE_SLACK = 8;
/** The least a file is read with, however many files share what is left: room for some lines and a paging note. */
const MIN_SHARE = 256;
/** Longest a path is shown in a file's header, in bytes. */
const HEADER_PATH = 200;

const INPUT = { paths: z.array(z.string()).describe("Files") };

/**
 * read_multiple_files: several files in one call, in order, sharing one byte budget; a failure is reported per
 * file. Once the next file does not fit what is left, it and the rest are counted in one closing note.
 */
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
      const asked = paths.slice(0, maxFiles);
      // The note names no path, but names settings as the server's user knows them, which may be long: keep its room.
      let room = maxResponseBytes - Buffer.byteLength(notReadNote(paths.length, 0, ctx) ?? "") - NOTE_SLACK;
      const parts: string[] = [];
      for (const [i, path] of asked.entries()) {
        const header = `== ${shownPath(path)} ==\n`;
        // A fair share of what is left, so one big file cannot starve the others; small files use only their size.
        const fair = Math.floor(room / (asked.length - i)) - Buffer.byteLength(header) - OVERHEAD;
        const share = Math.max(fair, MIN_SHARE);
        const part = `${header}${await readBody(ctx, path, share, call.signal)}\n`;
        const cost = Buffer.byteLength(part) + 1; // and the blank line that parts it from the next
        if (cost > room) break;
        room -= cost;
        parts.push(part);
        call.progress.report(i + 1, asked.length, `${i + 1} of ${asked.length} files read`);
      }
      const note = notReadNote(paths.length, parts.length, ctx);
      if (note) parts.push(note);
      return { content: [{ type: "text", text: parts.join("\n") }] };
    },
  });
}

/** One file's text within `share` bytes, or why it was not read (an image, an error), cut to `share`. */
async function readBody(ctx: Context, path: string, share: number, signal: AbortSignal): Promise<string> {
  try {
    const out = await readForModel(ctx, path, {}, share, {
      signal,
      noteUtf8: true,
      pageWithReadFile: true,
      version: ctx.versions,
    });
    return out.kind === "image" ? `[${out.mimeType} image: read it with read_file]` : out.text;
  } catch (error) {
    const text = `[error: ${errorMessage(error)}]`;
    return Buffer.byteLength(text) <= share ? text : `${sliceUtf8(text, share - 4)}…]`;
  }
}

/** A path for a header, its start when it is very long. */
function shownPath(path: string): string {
  return Buffer.byteLength(path) <= HEADER_PATH ? path : `${sliceUtf8(path, HEADER_PATH - 3)}…`;
}

/** The closing note on paths not read: how many, from which index on, and which limit stopped them. */
function notReadNote(asked: number, read: number, { limits, names }: Context): string | undefined {
  const { maxFiles, maxResponseBytes } = limits;
  if (read === asked) return undefined;
  const perCall = `at most ${maxFiles} per call, set by ${names("maxFiles")}`;
  if (read === maxFiles) return `[${asked - read} more paths not read: ${perCall}]\n`;
  const overFiles = asked > maxFiles ? `; and ${perCall}` : "";
  return `[${asked - read} more paths not read, paths[${read}] on: the ${maxResponseBytes}-byte response limit, set by ${names("maxResponseBytes")}, is used up${overFiles}; read them in another call]\n`;
}
