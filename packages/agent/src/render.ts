import type { Writable } from "node:stream";
import { printable, printableJson } from "./terminal-text.js";

/** What the loop reports as it runs; the terminal and --json renderers implement it. */
export interface Renderer {
  /** A piece of assistant text, as it streams. */
  text(delta: string): void;
  /** A piece of extended thinking. */
  thinking(delta: string): void;
  /** A model response finished (ends the current text line). */
  endMessage(): void;
  /** A tool call is starting. */
  toolCall(call: { id: string; name: string; input: unknown }): void;
  /** A tool call finished. */
  toolResult(result: { id: string; name: string; ok: boolean; text: string; ms: number }): void;
  /** A one-line notice for people (retries, restarts, warnings). */
  notice(message: string): void;
}

/** Compact one-line form of a value, safe to print (terminal-text.ts), cut to max characters. */
export function oneLine(value: unknown, max: number): string {
  const text = printable(
    (typeof value === "string" ? value : (printableJson(value) ?? "")).replace(/\s+/g, " "),
  ).trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface Style {
  dim(s: string): string;
  bold(s: string): string;
  red(s: string): string;
  green(s: string): string;
}

function style(color: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { dim: wrap(2, 22), bold: wrap(1, 22), red: wrap(31, 39), green: wrap(32, 39) };
}

/**
 * The readable transcript: text streams as it arrives; each tool call with its arguments and a short result.
 * Everything it is given came from the model, a tool or a server, so it passes through printable() (or oneLine(),
 * which uses it) before the agent's own colours are added.
 */
export class TerminalRenderer implements Renderer {
  private atLineStart = true;
  private readonly s: Style;

  constructor(
    private readonly out: Writable,
    private readonly err: Writable,
    color: boolean,
  ) {
    this.s = style(color);
  }

  private write(text: string): void {
    if (!text) return;
    this.out.write(text);
    this.atLineStart = text.endsWith("\n");
  }

  private newline(): void {
    if (!this.atLineStart) this.write("\n");
  }

  text(delta: string): void {
    this.write(printable(delta));
  }

  thinking(delta: string): void {
    const text = printable(delta);
    if (text) this.write(this.s.dim(text));
  }

  endMessage(): void {
    this.newline();
  }

  toolCall(call: { name: string; input: unknown }): void {
    this.newline();
    this.write(`${this.s.bold(`→ ${oneLine(call.name, 80)}`)} ${this.s.dim(oneLine(call.input, 240))}\n`);
  }

  toolResult(result: { name: string; ok: boolean; text: string; ms: number }): void {
    this.newline();
    const mark = result.ok ? this.s.green("←") : this.s.red("← error:");
    this.write(
      `  ${mark} ${oneLine(result.text, 200)} ${this.s.dim(`(${oneLine(result.name, 80)}, ${Math.round(result.ms)} ms)`)}\n`,
    );
  }

  notice(message: string): void {
    this.newline();
    this.err.write(`mcp-agent: ${printable(message)}\n`);
  }
}

/** One event of the --json transcript. */
export type TranscriptEvent =
  | { type: "text"; text: string }
  | { type: "thinking"; text: string }
  | { type: "tool_call"; id: string; name: string; input: unknown }
  | { type: "tool_result"; id: string; name: string; ok: boolean; text: string; ms: number }
  | { type: "notice"; message: string };

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

  toolResult(result: { id: string; name: string; ok: boolean; text: string; ms: number }): void {
    this.events.push({ type: "tool_result", ...result, text: result.text.slice(0, 2000), ms: Math.round(result.ms) });
  }

  notice(message: string): void {
    this.flushText();
    this.events.push({ type: "notice", message });
    this.err.write(`mcp-agent: ${printable(message)}\n`);
  }
}
