import type { Writable } from "node:stream";
import { indented } from "./content-audience.js";
import { oneLine } from "./one-line.js";
import { type Style, style } from "./paint.js";
import { progressLine } from "./progress-line.js";
import { printable } from "./terminal-text.js";

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
  /**
   * A tool call finished; `cut`: the model got its text cut to the output budget; `forUser`: what the server meant for
   * the user only (content-audience.ts), shown in full.
   */
  toolResult(result: ToolResultShown): void;
  /** A one-line notice for people (retries, restarts, warnings). */
  notice(message: string): void;
  /** A call still running: the server's progress (when it sent some) and the time so far. */
  progress(update: ProgressUpdate): void;
  /** A call that showed progress ended. */
  progressEnd(id: string): void;
  /** A question to the user (--ask, a server's) starts (true) or ends (false): no live progress line meanwhile. */
  asking(on: boolean): void;
}

/** A finished call as the transcript shows it. */
export interface ToolResultShown {
  id: string;
  name: string;
  ok: boolean;
  text: string;
  ms: number;
  cut?: boolean;
  forUser?: string;
}

/** A running call shows a live progress line on a terminal once it has run this long. */
export const PROGRESS_AFTER_MS = 1000;

/** Where a running call is: `progress`/`total`/`message` only when the server reported them. */
export interface ProgressUpdate {
  id: string;
  name: string;
  elapsedMs: number;
  /** The once-a-second update of the elapsed time, not a report from the server. */
  tick: boolean;
  progress?: number | undefined;
  total?: number | undefined;
  message?: string | undefined;
}

/**
 * The readable transcript: text streams as it arrives; each tool call with its arguments and a short result.
 * Everything it is given came from the model, a tool or a server, so it passes through printable() (or oneLine(),
 * which uses it) before the agent's own colours are added.
 */
export class TerminalRenderer implements Renderer {
  private atLineStart = true;
  /** What the message being streamed is writing: its thinking and its text each start on a line of their own. */
  private writing: "text" | "thinking" | undefined;
  private readonly s: Style;
  /** A live progress line is on the screen (it is erased before anything else is written). */
  private live = false;
  /**
   * A question is being asked on the terminal: a progress line would erase it, or be typed into. Questions come one
   * at a time (prompt-questions.ts, exclusive), so a flag is enough.
   */
  private questionOpen = false;
  /**
   * The transcript written while a question is open, when stdout is not the terminal (`| tee log`): it may reach the
   * same screen, so it waits until the question is answered instead of landing on the question's line.
   */
  private held: string[] = [];

  constructor(
    private readonly out: Writable,
    private readonly err: Writable,
    color: boolean,
    /** stdout is a terminal: progress shows as a line rewritten in place. */
    private readonly tty = false,
  ) {
    this.s = style(color);
  }

  private clearLive(): void {
    if (!this.live) return;
    this.out.write("\r\x1b[2K");
    this.live = false;
  }

  progress(update: ProgressUpdate): void {
    // Only on a terminal, for a call past its first second, and never over half a line of streamed text.
    if (!this.tty || !this.atLineStart || this.questionOpen || update.elapsedMs < PROGRESS_AFTER_MS) return;
    const columns = (this.out as { columns?: number }).columns;
    this.out.write(`\r\x1b[2K${this.s.dim(progressLine(update, columns))}`);
    this.live = true;
  }

  progressEnd(): void {
    this.clearLive();
  }

  asking(on: boolean): void {
    this.clearLive();
    this.questionOpen = on;
    if (!on && this.held.length > 0) this.out.write(this.held.splice(0).join(""));
  }

  private write(text: string): void {
    if (!text) return;
    this.atLineStart = text.endsWith("\n");
    // On a terminal, stdout's writes go above the question (run.ts); a pipe cannot be drawn above.
    if (this.questionOpen && !this.tty) return void this.held.push(text);
    this.clearLive();
    this.out.write(text);
  }

  private newline(): void {
    if (!this.atLineStart) this.write("\n");
  }

  text(delta: string): void {
    const text = printable(delta);
    if (!text) return;
    if (this.writing === "thinking") this.newline();
    this.writing = "text";
    this.write(text);
  }

  thinking(delta: string): void {
    const text = printable(delta);
    if (!text) return;
    // Marked in words as well as dimmed, so that without colour (a file, NO_COLOR) it is not taken for the answer.
    if (this.writing !== "thinking") {
      this.newline();
      this.write(this.s.dim("(thinking) "));
    }
    this.writing = "thinking";
    this.write(this.s.dim(text));
  }

  endMessage(): void {
    this.writing = undefined;
    this.newline();
  }

  toolCall(call: { name: string; input: unknown }): void {
    this.writing = undefined;
    this.newline();
    this.write(`${this.s.bold(`→ ${oneLine(call.name, 80)}`)} ${this.s.dim(oneLine(call.input, 240))}\n`);
  }

  toolResult(result: ToolResultShown): void {
    this.newline();
    const mark = result.ok ? this.s.green("←") : this.s.red("← error:");
    const cut = result.cut ? ", cut to the output budget for the model" : "";
    this.write(
      `  ${mark} ${oneLine(result.text, 200)} ${this.s.dim(`(${oneLine(result.name, 80)}, ${Math.round(result.ms)} ms${cut})`)}\n`,
    );
    // Meant for the user's eyes only, so shown whole (within USER_TEXT_CHARS), each line indented under the result.
    const forUser = result.forUser && printable(result.forUser).trimEnd();
    if (forUser) this.write(`${indented(forUser)}\n`);
  }

  notice(message: string): void {
    this.clearLive();
    this.newline();
    this.err.write(`mcp-agent: ${printable(message)}\n`);
  }
}
