import { closeSync } from "node:fs";
import { imageProblem, imageType, plural, wholeNumberProblem } from "@mcp-toolkit/core";
import { SIZE_REFUSAL } from "./errors.js";
import { type LineMode, LineScanner } from "./line-scanner.js";
import type { Context } from "./options.js";
import { quote } from "./path-policy.js";
import { CHUNK, LINE_COUNT_BUDGET, LINE_SEEK_BUDGET, readAt, readRange } from "./read-io.js";
import { ToolError } from "./sandbox.js";
import { readLastLines } from "./tail-read.js";
import { formatBytes, looksBinary, sizeOverLimit, windowNote } from "./text.js";
import { headFault, hexByte } from "./utf8.js";

/** Which part of a file to read; all optional, lines are 1-based. */
export interface ReadArgs {
  offset?: number | undefined;
  limit?: number | undefined;
  head?: number | undefined;
  tail?: number | undefined;
  /** Bytes of the first line to leave out: pages through a line longer than the budget. */
  skip_bytes?: number | undefined;
}

/**
 * What a read produced: text (with a paging note when partial) or an image. An empty file's text says so for the
 * model, and is marked `empty`, so a resource can give its real contents: none.
 */
export type ReadOutcome =
  | { kind: "text"; text: string; empty?: true }
  | { kind: "image"; data: string; mimeType: string };

const EMPTY_FILE: ReadOutcome = { kind: "text", text: "[empty file]", empty: true };

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
  { signal, binaries = "refuse", noteUtf8 = false, pageWithReadFile = false }: ReadHow = {},
): Promise<ReadOutcome | BinaryOutcome> {
  const mode = lineMode(input, args);
  const file = ctx.sandbox.open(input);
  try {
    const shown = quote(input);
    if (file.stat.isDirectory()) throw new ToolError(`${shown}: is a directory — list_directory shows its contents`);
    if (!file.stat.isFile()) throw new ToolError(`${shown}: not a regular file (device, FIFO or socket); refused`);
    const size = file.stat.size;
    const head = readRange(file.fd, Math.min(size, size <= SMALL_FILE ? SMALL_FILE : 8192), 0);
    const image = imageType(head);
    const asImage = image ? imageOutcome(ctx, { fd: file.fd, head, size, shown, image }, binaries) : undefined;
    if (asImage) return asImage;
    const over = sizeOverLimit(size, ctx.limits.maxImageBytes);
    if (looksBinary(head)) {
      if (binaries === "refuse") {
        throw new ToolError(
          `${shown}: binary file (${formatBytes(size)}), not shown as text; get_file_info shows its details`,
        );
      }
      if (size > ctx.limits.maxImageBytes) {
        throw new ToolError(
          `${shown}: binary file of ${over.size}, over the ${over.limit} limit on binary content, set by ${ctx.names("maxImageBytes")}`,
          SIZE_REFUSAL,
        );
      }
      return { kind: "binary", data: wholeBytes(file.fd, head, size).toString("base64") };
    }
    // Such bytes decode to U+FFFD: text written back from this reply would not be the file's.
    const fault = noteUtf8 ? headFault(head, size) : undefined;
    const utf8 = fault
      ? `[not UTF-8 from byte ${fault.offset} (${hexByte(fault.byte)}, line ${fault.line}): such bytes are shown as U+FFFD; edit_file refuses this file, and write_file of this text would replace them]`
      : "";
    const noted = (text: string): ReadOutcome => ({ kind: "text", text: utf8 ? `${text}\n${utf8}` : text });
    if (utf8) budget -= Buffer.byteLength(utf8) + 1;
    if (!mode && size <= SMALL_FILE && head.length <= budget) {
      if (head.length === 0) return EMPTY_FILE;
      const text = head.toString("utf8");
      // Each byte that is not UTF-8 shows as U+FFFD, three bytes: such a file is paged below when that is over.
      if ((noteUtf8 && !fault) || Buffer.byteLength(text) <= budget) return noted(text);
    }
    const scanner = new LineScanner(
      mode ?? { kind: "range", start: 1, count: Number.MAX_SAFE_INTEGER },
      budget - NOTE_RESERVE,
    );
    if (mode?.kind === "tail" && size > LINE_COUNT_BUDGET) {
      return noted(await readLastLines(file.fd, size, mode.count, budget, NOTE_RESERVE, signal));
    }
    let counted: number | undefined;
    if (size <= SMALL_FILE) scanner.push(head);
    else counted = await streamInto(file.fd, scanner, size, signal);
    if (mode?.kind === "range" && counted !== undefined && !scanner.reached) {
      throw new ToolError(
        `${shown}: offset=${mode.start} is not in the first ${formatBytes(LINE_SEEK_BUDGET)} of this ${formatBytes(size)} file, which hold ${plural(scanner.lines, "whole line")}; read_file looks no further for a line — tail=N reads the file's last lines, or use a smaller offset`,
      );
    }
    const window = scanner.end(counted !== undefined);
    if (window.total === 0) return EMPTY_FILE;
    if (mode?.kind === "range" && mode.start > window.total) {
      throw new ToolError(
        `${shown}: offset=${mode.start} is past the end (${window.total} lines); use a smaller offset`,
      );
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
  } finally {
    closeSync(file.fd);
  }
}

/** A file whose first bytes are an image format's: what it is, and how it is named in messages. */
interface ImageCandidate {
  fd: number;
  head: Buffer;
  size: number;
  shown: string;
  image: string;
}

/**
 * A file that starts as an image, read as one: the image, or its bytes for a reader of blobs when it is not whole.
 * Undefined for text that only starts like one (`GIF89a is…`: no NUL in its head, which every real image header
 * has), read as text. Refused: an image over maxImageBytes, and one cut short, which a model's API would refuse.
 */
function imageOutcome(
  ctx: Context,
  { fd, head, size, shown, image }: ImageCandidate,
  binaries: "refuse" | "blob",
): ReadOutcome | BinaryOutcome | undefined {
  const textual = !looksBinary(head);
  if (size > ctx.limits.maxImageBytes) {
    if (textual) return undefined;
    const over = sizeOverLimit(size, ctx.limits.maxImageBytes);
    throw new ToolError(
      `${shown}: ${image} of ${over.size}, over the ${over.limit} image limit, set by ${ctx.names("maxImageBytes")}; get_file_info shows its details`,
      SIZE_REFUSAL,
    );
  }
  const bytes = wholeBytes(fd, head, size);
  const problem = imageProblem(image, bytes);
  if (!problem) return { kind: "image", data: bytes.toString("base64"), mimeType: image };
  if (textual) return undefined;
  if (binaries === "blob") return { kind: "binary", data: bytes.toString("base64") };
  throw new ToolError(
    `${shown}: starts as ${image} but is not a whole image (${problem}); not sent, as a model's API would refuse it — get_file_info shows its size`,
  );
}

/** The line window the arguments ask for, or undefined for the whole file. */
function lineMode(input: string, args: ReadArgs): LineMode | undefined {
  for (const [key, value] of Object.entries(args)) {
    const min = key === "skip_bytes" ? 0 : 1;
    const problem = value === undefined ? undefined : wholeNumberProblem(value, key, { min });
    if (problem) throw new ToolError(`${quote(input)}: ${problem}`);
  }
  const { offset, limit, head, tail, skip_bytes: skip } = args;
  if (tail !== undefined) {
    if (offset !== undefined || head !== undefined || limit !== undefined || skip !== undefined) {
      throw new ToolError(`${quote(input)}: tail cannot be combined with offset, limit, head or skip_bytes; use one`);
    }
    return { kind: "tail", count: tail };
  }
  if (head !== undefined && limit !== undefined) {
    throw new ToolError(`${quote(input)}: head and limit both set; head=N is limit=N, use one`);
  }
  const count = head ?? limit;
  if (offset === undefined && count === undefined && !skip) return undefined;
  return { kind: "range", start: offset ?? 1, count: count ?? Number.MAX_SAFE_INTEGER, ...(skip ? { skip } : {}) };
}

/** The whole file: the head already read when it is all of it (`size` bytes at most, were it to grow). */
function wholeBytes(fd: number, head: Buffer, size: number): Buffer {
  return size <= head.length ? head : readRange(fd, size, 0);
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
    scanner.push(buffer.subarray(0, n));
    position += n;
  }
  return undefined;
}
