import type { Writable } from "node:stream";
import type { ProgressUpdate, Renderer, ToolResultShown } from "./render.js";
import { printable } from "./terminal-text.js";

/** One event of the --json transcript. */
export type TranscriptEvent =
  | { type: "text"; text: string }
  | { type: "thinking"; text: string }
  | { type: "tool_call"; id: string; name: string; input: unknown }
  | { type: "tool_result"; id: string; name: string; ok: boolean; text: string; ms: number; cut?: true }
  | { type: "notice"; message: string }
  | {
      type: "progress";
      id: string;
      name: string;
      ms: number;
      progress: number;
      total?: number | undefined;
      message?: string | undefined;
    };

/** Collects the transcript for --json; notices still go to stderr for people. */
export class JsonRenderer implements Renderer {
  readonly events: TranscriptEvent[] = [];
  private pending: { type: "text" | "thinking"; text: string } | undefined;

  constructor(private readonly err: Writable) {}

  private flushText(): void {
    if (this.pending?.text) this.events.push(this.pending);
    this.pending = undefined;
  }

  private append(type: "text" | "thinking", delta: string): void {
    if (this.pending?.type !== type) this.flushText();
    this.pending ??= { type, text: "" };
    this.pending.text += delta;
  }

  text(delta: string): void {
    this.append("text", delta);
  }

  thinking(delta: string): void {
    this.append("thinking", delta);
  }

  endMessage(): void {
    this.flushText();
  }

  toolCall(call: { id: string; name: string; input: unknown }): void {
    this.flushText();
    this.events.push({ type: "tool_call", ...call });
  }

  toolResult(result: ToolResultShown): void {
    const { cut, ...rest } = result;
    this.events.push({
      type: "tool_result",
      ...rest,
      text: result.text.slice(0, 2000),
      ms: Math.round(result.ms),
      ...(cut ? { cut: true } : {}),
    });
  }

  /** Only what servers report: the elapsed-time ticks are for people watching a terminal. */
  progress(u: ProgressUpdate): void {
    if (u.tick || u.progress === undefined) return;
    this.events.push({
      type: "progress",
      id: u.id,
      name: u.name,
      ms: Math.round(u.elapsedMs),
      progress: u.progress,
      ...(u.total !== undefined ? { total: u.total } : {}),
      ...(u.message !== undefined ? { message: u.message } : {}),
    });
  }

  progressEnd(): void {}

  asking(): void {}

  notice(message: string): void {
    this.flushText();
    this.events.push({ type: "notice", message });
    this.err.write(`mcp-agent: ${printable(message)}\n`);
  }
}
