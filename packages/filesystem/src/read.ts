import { closeSync, type Stats } from "node:fs";
import { imageType, plural } from "@mcp-toolkit/core";
import { SIZE_REFUSAL } from "./errors.js";
import { changedWhileRead, VERSION_NOTE_BYTES, versionNote, versionOf } from "./file-version.js";
import { LineScanner } from "./line-scanner.js";
import type { Context } from "./options.js";
import { quote } from "./path-policy.js";
import { lineMode, type ReadArgs } from "./read-args.js";
import { imageOutcome } from "./read-image.js";
import { CHUNK, LINE_COUNT_BUDGET, LINE_SEEK_BUDGET, readAt, readRange, wholeBytes } from "./read-io.js";
import { ToolError } from "./sandbox.js";
import { formNote, ShownText, textForm, wholeText } from "./shown-text.js";
import { readLastLines } from "./tail-read.js";
import { formatBytes, looksBinary, sizeOverLimit, windowNote } from "./text.js";
import { headFault, hexByte } from "./utf8.js";
import { unmarkedLayout } from "./utf16.js";

/**
 * What a read produced: text (with a paging note when partial) or an image. An empty file's text says so for the
 * model, and is marked `empty`, so a resource can give its real contents: none.
 */
export type ReadOutcome =
  | { kind: "text"; text: string; empty?: true; version?: string }
  | { kind: "image"; data: string; mimeType: string };

const EMPTY_TEXT = "[empty file]";
const EMPTY_FILE: ReadOutcome = { kind: "text", text: EMPTY_TEXT, empty: true };

/** Another binary file, whole, base64: read only when asked for (`binaries: "blob"`, as resources do). */
export type BinaryOutcome = { kind: "binary"; data: string };

/**
 * How to read: `signal` cancels a long read; `binaries: "blob"` returns binaries whole instead of refusing them;
 * `noteUtf8` ends text whose head is not UTF-8 with a note saying so, within the budget (the tools', not resources').
 */
export interface ReadHow {
  signal?: AbortSignal | undefined;
  binaries?: "refuse" | "blob";
  noteUtf8?: boolean;
  /** The read is not read_file's (several files, a resource): its paging note names read_file to page with. */
  pageWithReadFile?: boolean;
  /** End text with the file's version (file-version.ts), for write_file and edit_file to check. */
  version?: boolean;
}

/** Files up to this size are read in one synchronous call: microseconds, no thread-pool round trips. */
const SMALL_FILE = 256 * 1024;
/** Room kept for the paging note so text plus note stays within the budget. */
const NOTE_RESERVE = 200;

/**
 * Read a file for the model within `budget` bytes: open-then-verify, refuse binaries (images come back as
 * images), page by lines with a note saying how to continue. Any size of file, bounded memory. Images, and binaries
 * when asked for, are read whole up to maxImageBytes, the cap on every base64 reply.
 */
export async function readForModel(
  ctx: Context,
  input: string,
  args: ReadArgs,
  budget: number,
  how?: ReadHow & { binaries?: "refuse" },
): Promise<ReadOutcome>;
export async function readForModel(
  ctx: Context,
  input: string,
  args: ReadArgs,
  budget: number,
  how: ReadHow & { binaries: "blob" },
): Promise<ReadOutcome | BinaryOutcome>;
export async function readForModel(
  ctx: Context,
  input: string,
  args: ReadArgs,
  budget: number,
  how: ReadHow = {},
): Promise<ReadOutcome | BinaryOutcome> {
  const mode = lineMode(input, args);
  const file = ctx.sandbox.open(input);
  try {
    const shown = quote(input);
    if (file.stat.isDirectory()) throw new ToolError(`${shown}: is a directory — list_directory shows its contents`);
    if (!file.stat.isFile()) throw new ToolError(`${shown}: not a regular file (device, FIFO or socket); refused`);
    const size = file.stat.size;
    const head = readRange(file.fd, Math.min(size, size <= SMALL_FILE ? SMALL_FILE : 8192), 0);
    const versioned = how.version === true && size <= ctx.limits.maxFileBytes && budget >= VERSIONED_BUDGET;
    const out = await readOpened(
      ctx,
      shown,
      file.fd,
      head,
      size,
      mode,
      versioned ? budget - VERSION_RESERVE : budget,
      how,
    );
    if (!versioned || out.kind !== "text") return out;
    // A file read whole in one call is hashed from the very bytes shown, at once: no other read can have mixed in.
    if (head.length >= size) return versionedText(out, versionOf(head.length === size ? head : head.subarray(0, size)));
    return await withVersion(ctx, out, file.fd, file.stat, head);
  } finally {
    closeSync(file.fd);
  }
}

/** readForModel's read of the open file `fd`, of `size` bytes, whose first bytes `head` holds. */
async function readOpened(
  ctx: Context,
  shown: string,
  fd: number,
  head: Buffer,
  size: number,
  mode: ReturnType<typeof lineMode>,
  budget: number,
  { signal, binaries = "refuse", noteUtf8 = false, pageWithReadFile = false }: ReadHow,
): Promise<ReadOutcome | BinaryOutcome> {
  const image = imageType(head);
  const asImage = image ? imageOutcome(ctx, { fd: fd, head, size, shown, image }, binaries) : undefined;
  if (asImage) return asImage;
  const over = sizeOverLimit(size, ctx.limits.maxImageBytes);
  const form = textForm(head);
  if (!form.encoding && looksBinary(head)) {
    if (binaries === "refuse") {
      const laid = unmarkedLayout(head);
      const utf16 = laid ? unmarkedNote(laid) : "";
      throw new ToolError(
        `${shown}: binary file (${formatBytes(size)}), not shown as text${utf16}; get_file_info shows its details`,
      );
    }
    if (size > ctx.limits.maxImageBytes) {
      throw new ToolError(
        `${shown}: binary file of ${over.size}, over the ${over.limit} limit on binary content, set by ${ctx.names("maxImageBytes")}`,
        SIZE_REFUSAL,
      );
    }
    return { kind: "binary", data: wholeBytes(fd, head, size).toString("base64") };
  }
  // Such bytes decode to U+FFFD: text written back from this reply would not be the file's.
  const fault = noteUtf8 && !form.encoding ? headFault(head, size) : undefined;
  const utf8 = fault
    ? `[not UTF-8 from byte ${fault.offset} (${hexByte(fault.byte)}, line ${fault.line}): such bytes are shown as U+FFFD; edit_file refuses this file, and write_file of this text would replace them]`
    : noteUtf8
      ? formNote(form)
      : "";
  const noted = (text: string): ReadOutcome => ({ kind: "text", text: utf8 ? `${text}\n${utf8}` : text });
  if (utf8) budget -= Buffer.byteLength(utf8) + 1;
  if (!mode && size <= SMALL_FILE && head.length <= budget) {
    if (head.length === 0) return EMPTY_FILE;
    const text = wholeText(head, form);
    if (text.length === 0) return utf8 ? noted(EMPTY_TEXT) : EMPTY_FILE;
    // Each byte that is not UTF-8 shows as U+FFFD, three bytes: such a file is paged below when that is over.
    const asIs = noteUtf8 && !fault && !form.encoding && !form.crLines;
    if (asIs || Buffer.byteLength(text) <= budget) return noted(text);
  }
  const scanner = new LineScanner(
    mode ?? { kind: "range", start: 1, count: Number.MAX_SAFE_INTEGER },
    budget - NOTE_RESERVE,
  );
  if (mode?.kind === "tail" && size > LINE_COUNT_BUDGET) {
    return noted(await readLastLines(fd, size, mode.count, budget, NOTE_RESERVE, signal, form));
  }
  let counted: number | undefined;
  const shownText = new ShownText(form);
  if (size <= SMALL_FILE) scanner.push(shownText.push(head));
  else counted = await streamInto(fd, scanner, shownText, size, signal);
  if (counted === undefined) scanner.push(shownText.end());
  if (mode?.kind === "range" && counted !== undefined && !scanner.reached) {
    throw new ToolError(
      `${shown}: offset=${mode.start} is not in the first ${formatBytes(LINE_SEEK_BUDGET)} of this ${formatBytes(size)} file, which hold ${plural(scanner.lines, "whole line")}; read_file looks no further for a line — tail=N reads the file's last lines, or use a smaller offset`,
    );
  }
  const window = scanner.end(counted !== undefined);
  if (window.total === 0) return utf8 ? noted(EMPTY_TEXT) : EMPTY_FILE;
  if (mode?.kind === "range" && mode.start > window.total) {
    throw new ToolError(`${shown}: offset=${mode.start} is past the end (${window.total} lines); use a smaller offset`);
  }
  if (mode?.kind === "range" && mode.skip && window.from === window.firstLength) {
    throw new ToolError(
      `${shown}: skip_bytes=${mode.skip} is at or past the end of line ${mode.start} (${window.firstLength} bytes); use a smaller skip_bytes`,
    );
  }
  const via = pageWithReadFile ? `read_file ${shown} with ` : "";
  const note = windowNote(
    window,
    budget,
    mode?.kind === "tail",
    via,
    counted === undefined ? undefined : { bytes: counted, size },
  );
  return noted(note ? `${window.lines.join("\n")}\n${note}` : window.lines.join("\n"));
}

/** What a versioned read's text ends with when the file changed while it was read, in place of its version. */
const CHANGED_NOTE = "[no version: it changed as it was read; read it again]";
/**
 * The least budget a read gives a version in: below it (read_multiple_files sharing a small cap among many files) the
 * version's bytes go to the file's lines.
 */
const VERSIONED_BUDGET = 512;
/** Room kept for the version line (or CHANGED_NOTE) with its newline. */
const VERSION_RESERVE = Math.max(VERSION_NOTE_BYTES, CHANGED_NOTE.length + 1);

/**
 * The text ended with the version of the file it was read from (hashed once while it stays as it was: version-cache.ts);
 * unless the file changed while it was read (another process writing it in place), when the text may mix old and new,
 * and no version would say which it is.
 */
async function withVersion(ctx: Context, out: ReadOutcome & { kind: "text" }, fd: number, opened: Stats, head: Buffer) {
  const changed = { ...out, text: `${out.text}\n${CHANGED_NOTE}` };
  // `head` was read as the file was opened: hashed with a rest written since, it would give the version of no file,
  // which the cache would then keep, and give, for as long as the file stays as that write left it.
  if (changedWhileRead(fd, opened)) return changed;
  const version = await ctx.versionCache.versionOfOpen(fd, opened.size, head);
  if (version === undefined || changedWhileRead(fd, opened)) return changed;
  return versionedText(out, version);
}

/** The text ended with its file's version. */
function versionedText(out: ReadOutcome & { kind: "text" }, version: string): ReadOutcome {
  return { ...out, text: `${out.text}\n${versionNote(version)}`, version };
}

/** What a refused binary says when its NUL bytes fall as UTF-16 or UTF-32 text's do, though it has no byte order mark. */
function unmarkedNote(laid: "UTF-16" | "UTF-32"): string {
  return `: it looks like ${laid} without a byte order mark, which is not guessed at (saved as UTF-8, or as ${laid} with its BOM, it reads as text)`;
}

/**
 * Feed a large file's first `size` bytes (its size when opened) to the scanner in chunks, off the main thread,
 * honouring cancellation. Reading to end of file instead never ended on a log written faster than it was read.
 * Past LINE_COUNT_BUDGET it stops once the window is found, past LINE_SEEK_BUDGET when the window has not begun, and
 * in a window's line too long to show whole; it then returns the bytes whose lines it counted.
 */
async function streamInto(
  fd: number,
  scanner: LineScanner,
  text: ShownText,
  size: number,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (let position = 0; position < size; ) {
    if (signal?.aborted) throw new ToolError("read cancelled");
    if (position >= LINE_COUNT_BUDGET && scanner.settled) return position;
    if (position >= LINE_SEEK_BUDGET && !scanner.reached) return position;
    if (scanner.overlong) return position;
    const n = await readAt(fd, buffer, Math.min(CHUNK, size - position), position);
    if (n === 0) return undefined;
    scanner.push(text.push(buffer.subarray(0, n)));
    position += n;
  }
  return undefined;
}
