import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
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

/** Appends one JSONL line per tool call; arguments are redacted; write failures are reported once. */
export class AuditLog {
  private chain: Promise<void>;
  private warned = false;

  constructor(
    readonly file: string,
    private readonly onError: (message: string) => void,
  ) {
    this.chain = mkdir(dirname(file), { recursive: true }).then(
      () => {},
      (error) => this.fail(error),
    );
  }

  /** Queue a line; lines keep call-completion order. */
  record(entry: AuditEntry): void {
    const line = JSON.stringify({
      time: new Date().toISOString(),
      server: entry.server,
      tool: entry.tool,
      args: redact(entry.args),
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
