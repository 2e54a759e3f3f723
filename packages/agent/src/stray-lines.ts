import { SKIPPED_REPORTS } from "@mcp-toolkit/core";
import { redactText } from "./redact.js";

/** The longest preview of a line kept, as core's LineReader clips the lines it skips. */
const PREVIEW_CHARS = 80;
/** How many of the latest lines are kept, to quote the first one written during a call. */
const KEPT = 16;
/** A line worth quoting says something: not a lone `{` of a pretty-printed reply. */
const WORDY = /\w/;

/**
 * What a stdio server wrote to stdout that is not JSON-RPC (a banner, debug prints, a reply pretty-printed over many
 * lines): the SDK drops it, so it is counted, the first SKIPPED_REPORTS lines are reported (for --verbose), as the
 * servers' own reader reports what it skips on stdin, and a few are kept to quote when the server then fails to answer.
 */
export class StrayLines {
  /** How many such lines so far. */
  count = 0;
  private first: string | undefined;
  private readonly recent: string[] = [];

  constructor(private readonly onReport?: (line: string) => void) {}

  add(raw: string): void {
    const line = raw.trim();
    const preview = line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS - 3)}...` : line;
    this.count++;
    if (this.first === undefined || (!WORDY.test(this.first) && WORDY.test(preview))) this.first = preview;
    this.recent.push(preview);
    if (this.recent.length > KEPT) this.recent.shift();
    if (this.count > SKIPPED_REPORTS) return;
    const more = this.count === SKIPPED_REPORTS ? " (later ones are not shown)" : "";
    this.onReport?.(`stdout, not JSON-RPC, ignored: ${JSON.stringify(preview)}${more}`);
  }

  /** The lines written since `mark` (an earlier count), in words for an error line; undefined if there were none. */
  since(mark = 0): string | undefined {
    const count = this.count - mark;
    if (count <= 0) return undefined;
    const written = this.recent.slice(Math.max(0, this.recent.length - count));
    const example = mark === 0 ? this.first : (written.find((line) => WORDY.test(line)) ?? written[0]);
    return strayWords(count, example ?? "");
  }
}

/** `it wrote 3 lines that are not JSON-RPC to stdout, e.g. "Listening…"; MCP servers must log to stderr`. */
export function strayWords(count: number, example: string): string {
  const lines = count === 1 ? "1 line that is" : `${count} lines that are`;
  return `it wrote ${lines} not JSON-RPC to stdout, e.g. ${JSON.stringify(redactText(example))}; MCP servers must log to stderr`;
}

/** Whether a parsed line is no JSON-RPC message at all (a JSON log line, a bare value): the SDK would drop it too. */
export function notJsonRpc(value: unknown): boolean {
  return typeof value !== "object" || value === null || (value as { jsonrpc?: unknown }).jsonrpc !== "2.0";
}
