import { createHash } from "node:crypto";
import { appendFile } from "node:fs/promises";
import { dirname } from "node:path";
import { cutIndex, makeDirs } from "@mcp-toolkit/core";
import { redact, redactText } from "./redact.js";

/** One tool call, as the audit log records it. */
export interface AuditEntry {
  server: string;
  tool: string;
  args: unknown;
  durationMs: number;
  ok: boolean;
  error?: string | undefined;
  resultBytes: number;
}

/**
 * Appends one JSONL line per tool call; arguments are redacted; write failures are reported once. Every line names its
 * run (`run`, the --json result's `run`), so the lines of runs that share a log can be told apart.
 */
export class AuditLog {
  private chain: Promise<void>;
  private warned = false;

  constructor(
    readonly file: string,
    private readonly onError: (message: string) => void,
    readonly run?: string,
  ) {
    this.chain = Promise.resolve()
      .then(() => {
        makeDirs(dirname(file));
      })
      .catch((error) => this.fail(error));
  }

  /** Queue a line; lines keep call-completion order. */
  record(entry: AuditEntry): void {
    const line = JSON.stringify({
      time: new Date().toISOString(),
      ...(this.run ? { run: this.run } : {}),
      server: entry.server,
      tool: entry.tool,
      args: boundedArgs(redact(entry.args)),
      durationMs: Math.round(entry.durationMs),
      ok: entry.ok,
      ...(entry.error ? { error: redactText(entry.error.slice(0, 500)) } : {}),
      resultBytes: entry.resultBytes,
    });
    this.chain = this.chain.then(() => appendFile(this.file, `${line}\n`).catch((error) => this.fail(error)));
  }

  /** Wait for queued lines. */
  flush(): Promise<void> {
    return this.chain;
  }

  private fail(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.onError(`audit log ${this.file} not writable: ${(error as Error).message}`);
  }
}

/** The longest text of one argument kept whole in the audit log: a file's content or a body is kept as its start. */
export const AUDIT_TEXT_CHARS = 4096;
/** The most an entry's arguments take in the log, in JSON; past it only their start and digest are kept. */
export const AUDIT_ARGS_BYTES = 65_536;

/**
 * Arguments as the audit log keeps them: a text longer than AUDIT_TEXT_CHARS as its start, its length and its SHA-256
 * (enough to tell which content was written, never a 10 MiB line), and arguments still over AUDIT_ARGS_BYTES as the
 * start of their JSON and its digest.
 */
export function boundedArgs(args: unknown): unknown {
  const bounded = boundTexts(args);
  const json = JSON.stringify(bounded) ?? "null";
  const bytes = Buffer.byteLength(json);
  if (bytes <= AUDIT_ARGS_BYTES) return bounded;
  return { $cut: `${json.slice(0, AUDIT_TEXT_CHARS)}…`, bytes, sha256: sha256(json) };
}

function boundTexts(value: unknown): unknown {
  if (typeof value === "string") {
    if (value.length <= AUDIT_TEXT_CHARS) return value;
    // Not between the halves of a surrogate pair.
    const end = cutIndex(value, AUDIT_TEXT_CHARS);
    return `${value.slice(0, end)}… [${value.length} characters in all, sha256 ${sha256(value)}]`;
  }
  if (Array.isArray(value)) return value.map(boundTexts);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, boundTexts(item)]));
  }
  return value;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
