import { fstatSync } from "node:fs";
import { firstInvalidUtf8, UsageError } from "@mcp-toolkit/core";
import type { TurnBlock } from "./attach.js";
import { tagged } from "./block-tags.js";
import { EXIT, Interrupted } from "./errors.js";

/** The most piped-in text a task takes as its context: more is refused, never cut silently. */
export const PIPED_LIMIT_BYTES = 256 * 1024;
/** How long a task waits for the first byte on a stdin that is piped but silent (an inherited pipe never closed). */
export const PIPED_WAIT_MS = 5000;

/** What came on stdin for a task: text, nothing (it closed empty), or nothing within the wait. */
export type PipedInput = { text: string; bytes: number } | "empty" | "silent";

/**
 * Whether fd 0 carries input to read with a task: a pipe, a socket or a redirected file. A terminal, /dev/null
 * (character devices both) or a closed fd does not, so `mcp-agent "task" </dev/null` and a terminal never wait.
 */
export function stdinIsPiped(fd = 0): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isSocket() || stat.isFile();
  } catch {
    return false;
  }
}

/**
 * Read a task's piped input to its end: at most `limit` bytes of UTF-8 text. Over the limit, or bytes that are not
 * text (invalid UTF-8, NUL), it is refused with a UsageError that says what to do instead. Nothing at all within
 * `waitMs` (a pipe left open by whatever started the agent) gives "silent", and the rest is not read.
 */
export function readPipedInput(
  stream: NodeJS.ReadableStream,
  signal: AbortSignal,
  limit = PIPED_LIMIT_BYTES,
  waitMs = PIPED_WAIT_MS,
): Promise<PipedInput> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const finish = (outcome: PipedInput | Error) => {
      clearTimeout(timer);
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      signal.removeEventListener("abort", onAbort);
      stream.pause();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onData = (chunk: Buffer | string) => {
      clearTimeout(timer);
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      bytes += buffer.length;
      if (bytes > limit) return finish(new UsageError(overLimit(limit)));
      chunks.push(buffer);
    };
    const onEnd = () => {
      if (bytes === 0) return finish("empty");
      const text = decodeText(Buffer.concat(chunks));
      finish(typeof text === "string" ? { text, bytes } : new UsageError(text.refusal));
    };
    const onError = (error: Error) => finish(new UsageError(`could not read the piped stdin: ${error.message}`));
    const onAbort = () => finish(new Interrupted(EXIT.interrupted));
    const timer = setTimeout(() => finish("silent"), waitMs);
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    signal.addEventListener("abort", onAbort, { once: true });
    stream.resume();
  });
}

function overLimit(limit: number): string {
  return `the piped stdin is over the ${limit}-byte limit for a task's context; pipe in less (a part of it, e.g. \`head -n 1000\`), or save it in the workspace and name the file in the task`;
}

/** The text of `buffer` (a leading BOM dropped), or why it is refused: invalid UTF-8 or NUL bytes are not text. */
function decodeText(buffer: Buffer): string | { refusal: string } {
  // Text in another encoding (Latin-1, Windows-1252, UTF-16, whose ASCII comes with NULs) is the usual cause: say where,
  // and how to convert it.
  const refusal = (why: string) => ({
    refusal: `the piped stdin is not UTF-8 text (${why}); the agent attaches only UTF-8 text to a task — convert text in another encoding first (\`iconv -f windows-1252 -t utf-8\`, \`-f utf-16\`), or save a binary file in the workspace and name it in the task`,
  });
  const nul = buffer.indexOf(0);
  if (nul !== -1) return refusal(`a NUL byte at offset ${nul}`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buffer);
  } catch {
    return refusal(`a byte that is not UTF-8 at offset ${firstInvalidUtf8(buffer)?.offset}`);
  }
}

/**
 * The task's turn with its piped input: the input first, in a <stdin> block (long text before the question), then
 * the task and its attachments. The input is data: its `@server:uri` words are not read as mentions, and a `</stdin>`
 * in it cannot end the block (block-tags.ts). Input that is
 * empty, blank or never came is left out, and `notice` says so.
 */
export function withPipedInput(
  turn: string | TurnBlock[],
  input: PipedInput,
  notice: (message: string) => void,
): string | TurnBlock[] {
  if (input === "silent") {
    notice(
      `stdin is a pipe but nothing came on it in ${PIPED_WAIT_MS / 1000} s, so the task runs without it (run with </dev/null not to wait)`,
    );
    return turn;
  }
  // `git diff | mcp-agent "review this"` with nothing changed: the user expected their input to be read.
  if (input === "empty" || !input.text.trim()) {
    notice(
      input === "empty"
        ? "stdin was empty; the task runs without it"
        : `stdin held only blank space (${input.bytes} bytes); the task runs without it`,
    );
    return turn;
  }
  notice(`attached stdin (${input.bytes} bytes)`);
  const text = input.text.endsWith("\n") ? input.text.slice(0, -1) : input.text;
  const task: TurnBlock[] = typeof turn === "string" ? [{ type: "text", text: turn }] : turn;
  return [{ type: "text", text: tagged("stdin", text) }, ...task];
}
