import { closeSync, readSync } from "node:fs";
import { defineTool, ok, plural, strictArgumentObject, truncateToBytes } from "@mcp-toolkit/core";
import { z } from "zod";
import { cutLongDiffLines, DIFF_LINE_CHARS } from "../diff-lines.js";
import { type EditableText, editableText } from "../edit-text.js";
import { applyEdits } from "../edits.js";
import { SIZE_REFUSAL } from "../errors.js";
import { checkVersionArgument, NEW_FILE, versionOf } from "../file-version.js";
import type { Context } from "../options.js";
import { quote } from "../path-policy.js";
import { ToolError } from "../sandbox.js";
import { shownName } from "../shown-name.js";
import { formatBytes, sizeOverLimit } from "../text.js";
import { otherLinksNote, writeAtomic } from "../write.js";

const INPUT = {
  path: z.string().describe("File"),
  edits: z
    .array(
      strictArgumentObject({ oldText: z.string().describe("Exact text"), newText: z.string().describe("New text") }),
    )
    .describe("In order"),
  dryRun: z.boolean().optional().describe("Preview only"),
  expectedVersion: z.string().optional().describe("Refuse unless at this read_file [version]"),
};

type Edit = { oldText: string; newText: string };

/**
 * Edits one call applies at most. Each is a search of the whole text as the earlier ones left it, and the server does
 * nothing else meanwhile: 5,000 edits of a 5 MiB file held every call of every session for three minutes.
 */
export const MAX_EDITS = 100;

/** edit_file: exact-once text replacements, applied atomically, answered with a unified diff. */
export function editFileTool(ctx: Context) {
  return defineTool({
    name: "edit_file",
    title: "Edit file",
    description:
      "Replace text atomically; returns a unified diff. Each oldText must match exactly once or nothing changes.",
    inputSchema: INPUT,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async ({ path, edits, dryRun, expectedVersion }) => {
      checkVersionArgument(path, expectedVersion);
      if (expectedVersion === NEW_FILE) {
        throw new ToolError(
          `${quote(path)}: expectedVersion "${NEW_FILE}" is for write_file, which creates files; edit_file edits one that exists`,
        );
      }
      if (edits.length === 0) throw new ToolError("edits is empty; give at least one {oldText, newText}");
      if (edits.length > MAX_EDITS) {
        throw new ToolError(
          `${quote(path)}: ${edits.length} edits, over the ${MAX_EDITS} one edit_file call applies; nothing changed. Send them in calls of at most ${MAX_EDITS}, or write_file the whole file`,
        );
      }
      if (dryRun) return editOnce(ctx, path, edits, true, expectedVersion);
      // Read, edit and write back in turn with the other edits of this file (file-turns.ts).
      const found = ctx.sandbox.open(path);
      closeSync(found.fd);
      return ctx.fileTurns.run(found.real, () => editOnce(ctx, path, edits, false, expectedVersion));
    },
  });
}

/**
 * One edit_file call: read the file, refuse it unless at `expected` (when given), apply the edits, write the result
 * back (unless a dry run) unless the file changed meanwhile, answer the diff.
 */
async function editOnce(
  ctx: Context,
  path: string,
  edits: Edit[],
  dryRun: boolean | undefined,
  expected: string | undefined,
) {
  const { sandbox, limits } = ctx;
  const file = sandbox.open(path);
  let before: string;
  let form: EditableText;
  let version: string;
  try {
    if (!file.stat.isFile()) throw new ToolError(`${quote(path)}: not a regular file; edit_file edits files`);
    if (file.stat.size > limits.maxFileBytes) {
      throw new ToolError(
        `${quote(path)}: ${formatBytes(file.stat.size)} is over the ${formatBytes(limits.maxFileBytes)} edit limit, which the server's operator sets with ${ctx.names("maxFileBytes")}`,
        SIZE_REFUSAL,
      );
    }
    const buffer = Buffer.allocUnsafe(file.stat.size);
    let filled = 0;
    for (let n = 1; n > 0 && filled < buffer.length; filled += n) {
      n = readSync(file.fd, buffer, filled, buffer.length - filled, filled);
    }
    version = versionOf(buffer.subarray(0, filled));
    if (expected !== undefined && version !== expected) {
      throw new ToolError(
        `${quote(path)}: changed since it was read: it is now version ${version}, not ${expected}; file unchanged — read_file it again, and make the edits to what it holds now`,
      );
    }
    form = editableText(path, buffer.subarray(0, filled));
    before = form.text;
  } finally {
    closeSync(file.fd);
  }
  const shown = shownName(sandbox.display(file.real));
  const applied = applyEdits(
    before,
    edits.map(({ oldText, newText }) => ({ oldText: form.lines(oldText), newText: form.lines(newText) })),
  );
  if (!applied.ok) throw new ToolError(`${quote(path)}: ${applied.reason}; file unchanged`);
  const bytes = form.encode(applied.text);
  const grown = bytes.length;
  if (grown > limits.maxFileBytes) {
    // The limit holds for the file as edited too: past it, the file could no longer be edited, read whole or grepped.
    const over = sizeOverLimit(grown, limits.maxFileBytes);
    throw new ToolError(
      `${quote(path)}: edited, the file would be ${over.size}, over the ${over.limit} edit limit, which the server's operator sets with ${ctx.names("maxFileBytes")}; file unchanged. Put the rest in another file`,
      SIZE_REFUSAL,
    );
  }
  const { createTwoFilesPatch } = await import("diff");
  // Myers diff is quick for a few edits; the timeout bounds pathological inputs.
  const diff =
    createTwoFilesPatch(shown, shown, before, applied.text, undefined, undefined, { context: 3, timeout: 2000 }) ??
    "[diff not shown: too large to compute in 2 s; read_file shows the result]";
  const written =
    !dryRun && applied.text !== before
      ? await writeAtomic(sandbox, path, file.real, bytes, false, { version, maxBytes: limits.maxFileBytes })
      : undefined;
  const links = written && otherLinksNote(written.otherLinks);
  const said = dryRun ? "dry run, file unchanged:" : !written ? "no change:" : links ? `edited (${links}):` : "edited:";
  // The diff is of the text as edited, LF lines; without this it reads as if the file's CR line ends had become LF.
  const head = form.crLines && applied.text !== before ? `${said}\n${CR_NOTE}` : said;
  const budget = limits.maxResponseBytes - head.length - 1;
  return ok(`${head}\n${truncateToBytes(fitted(diff, budget), budget, "read_file shows the result").text}`);
}

/** What an edit of a file whose lines end in CR alone says above its diff. */
const CR_NOTE =
  "[lines end in CR alone (classic Mac), shown in this diff as LF line ends: edit_file writes them back as CR]";

/** The diff as it is when it fits `budget` bytes (then it applies as a patch); else with its long lines cut. */
function fitted(diff: string, budget: number): string {
  if (Buffer.byteLength(diff, "utf8") <= budget) return diff;
  const { text, cut } = cutLongDiffLines(diff);
  if (cut === 0) return diff;
  const note = `[${plural(cut, "line")} over ${DIFF_LINE_CHARS} characters cut around the change (…), so the diff fits; read_file shows them whole]`;
  return `${text.replace(/\n$/, "")}\n${note}`;
}
