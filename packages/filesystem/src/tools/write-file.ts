import { closeSync, readSync } from "node:fs";
import { defineTool, ok, plural, type ToolCall, unconfirmed } from "@mcp-toolkit/core";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import { SIZE_REFUSAL } from "../errors.js";
import { checkVersion, checkVersionArgument, type Expected } from "../file-version.js";
import type { Context } from "../options.js";
import { quote } from "../path-policy.js";
import { type Sandbox, ToolError } from "../sandbox.js";
import { shownName } from "../shown-name.js";
import { formatBytes, sizeOverLimit } from "../text.js";
import { STYLE_HEAD_BYTES, styleDropped } from "../text-style.js";
import { bomEncoding, encodeMarked, encodingLabel } from "../utf16.js";
import { otherLinksNote, writeAtomic } from "../write.js";

const INPUT = {
  path: z.string().describe("File"),
  content: z.string().describe("Full text"),
  expectedVersion: z.string().optional().describe('Refuse unless at this read_file [version]; "new": must not exist'),
};

/** write_file: create or replace a file atomically, making parent directories as needed. */
export function writeFileTool(ctx: Context) {
  return defineTool({
    name: "write_file",
    title: "Write file",
    description: "Create or replace a text file atomically, making parent dirs; keeps permissions.",
    inputSchema: INPUT,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    handler: async ({ path, content, expectedVersion }, call) => {
      checkVersionArgument(path, expectedVersion);
      const oldHead = existingFile(ctx.sandbox, path, STYLE_HEAD_BYTES)?.head;
      // A UTF-16 (or UTF-32) file stays so, BOM and byte order as they were: written as UTF-8, its tools would no
      // longer read it.
      const encoding = oldHead && bomEncoding(oldHead);
      // Its BOM is written once, whether the content starts with one (U+FEFF) or not.
      const data = encoding ? encodeMarked(content.replace(/^\uFEFF/, ""), encoding) : Buffer.from(content, "utf8");
      const bytes = data.length;
      if (bytes > ctx.limits.maxFileBytes) {
        const over = sizeOverLimit(bytes, ctx.limits.maxFileBytes);
        throw new ToolError(
          `${quote(path)}: content is ${over.size}, over the ${over.limit} write limit, set by ${ctx.names("maxFileBytes")}; split it into smaller files`,
          SIZE_REFUSAL,
        );
      }
      const expected =
        expectedVersion === undefined ? undefined : { version: expectedVersion, maxBytes: ctx.limits.maxFileBytes };
      const refused = await confirmReplace(ctx, path, bytes, call, expected);
      if (refused) return refused;
      const result = await writeAtomic(ctx.sandbox, path, ctx.sandbox.lexical(path), data, true, expected);
      const dropped = !result.created && oldHead ? styleDropped(oldHead, content) : undefined;
      const kept =
        encoding &&
        `written as ${encodingLabel(encoding)} with its byte order mark, as the file was (to make it UTF-8, delete_file it first)`;
      const raced = result.raced && "someone else created it while this write ran, and this content replaced theirs";
      const notes = [raced, kept, dropped, otherLinksNote(result.otherLinks)]
        .filter(Boolean)
        .map((note) => `; ${note}`);
      return ok(
        `${result.created ? "created" : "replaced"} ${shownName(ctx.sandbox.display(result.real))} (${plural(result.bytes, "byte")})${notes.join("")}`,
      );
    },
  });
}

/**
 * The file `input` names now, if it is a regular file: where it really is, its size, and its first `headBytes` bytes
 * (how it was written). Undefined when it is missing (a new file) or refused: writeAtomic says which.
 */
function existingFile(
  sandbox: Sandbox,
  input: string,
  headBytes = 0,
): { real: string; size: number; head: Buffer } | undefined {
  try {
    const opened = sandbox.open(input);
    try {
      if (!opened.stat.isFile()) return undefined;
      const head = Buffer.alloc(Math.min(headBytes, opened.stat.size));
      const read = head.length > 0 ? readSync(opened.fd, head, 0, head.length, 0) : 0;
      return { real: opened.real, size: opened.stat.size, head: head.subarray(0, read) };
    } finally {
      closeSync(opened.fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * Under `confirm: destructive`, ask before replacing an existing file (what it holds now is lost); a new file is
 * written without a question. A write its `expected` version already refuses is refused before asking: the user is
 * never asked about a write that cannot happen. Only looks: writeAtomic makes every check again on what it writes.
 */
async function confirmReplace(
  { sandbox, confirm, names }: Context,
  input: string,
  bytes: number,
  call: ToolCall,
  expected: Expected | undefined,
): Promise<CallToolResult | undefined> {
  if (confirm !== "destructive") return undefined;
  const existing = existingFile(sandbox, input);
  if (!existing) return undefined;
  if (expected) checkVersion(input, existing.real, expected);
  const shown = shownName(sandbox.display(existing.real));
  const what = `replacing ${shown} (${formatBytes(existing.size)}) with ${formatBytes(bytes)} of new content`;
  return unconfirmed(
    await call.confirm(
      `Replace ${shown} (${formatBytes(existing.size)}) with ${formatBytes(bytes)} of new content? What it holds now will be lost.`,
    ),
    what,
    names,
  );
}
