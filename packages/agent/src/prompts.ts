import { writeAbovePrompt, writeTypedLine } from "./above-prompt.js";
import { EXIT, Interrupted } from "./errors.js";
import { oneLine } from "./one-line.js";
import { terminalQuestions } from "./prompt-questions.js";
import { inputState, type PromptIO } from "./prompt-state.js";
import { openInput } from "./terminal-input.js";
import { printable } from "./terminal-text.js";

/** Lines typed for the interactive session, and y/n questions for --ask, on one readline interface. */
export function terminalPrompts(
  io: PromptIO,
  complete?: (line: string) => Promise<[string[], string]>,
  /** Told when a question (a y/n, or a server's form) starts and ends, so nothing else draws over it. */
  onQuestion?: (asking: boolean) => void,
) {
  const s = inputState();
  const get = async () => s.rl ?? (await openInput(io, s, complete));
  /**
   * A Ctrl-C that readline passed on as the process's SIGINT: its handler (cli.ts) says the run is stopping, then
   * aborts the run's signal. Thrown once it has, so its line comes before the summary the run prints as it ends.
   */
  const stopRun = async (): Promise<never> => {
    if (!io.signal.aborted)
      await new Promise((resolve) => io.signal.addEventListener("abort", resolve, { once: true }));
    throw new Interrupted(EXIT.interrupted);
  };
  return {
    /**
     * The next line, or undefined at end of input. Lines typed ahead are kept, not lost. On a terminal Ctrl-C while
     * waiting clears the line, or warns, and a second one ends input (see ctrl-c.ts); the run's signal (Ctrl-C
     * piped, SIGTERM) throws Interrupted, so the run stops at once with the signal's exit code.
     */
    nextLine: async (prompt: string): Promise<string | undefined> => {
      const r = await get();
      if (s.interrupted || io.signal.aborted) await stopRun();
      // Piped lines come with no one typing: the prompt is drawn with the line once it comes, as a terminal shows a
      // typed one (so a log reads `> task`), and not at all when input ends, where it was left open before the
      // summary or a refusal on the same line.
      const terminal = io.stdin.isTTY === true;
      if (terminal) io.stderr.write(prompt);
      // Readline's own prompt is the line it is on, for redrawing it (above).
      r.setPrompt(prompt.split("\n").at(-1) ?? "");
      let onAbort = () => {};
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new Interrupted(EXIT.interrupted));
        io.signal.addEventListener("abort", onAbort, { once: true });
      });
      try {
        s.quitArmed = false;
        s.shownPrompt = prompt;
        const typedAhead = s.queued.length > 0;
        // A line half typed while the last turn ran is still being edited: shown after the prompt, or the Enter
        // that ends it would send text the screen does not show.
        if (!typedAhead && terminal && r.line) writeTypedLine(io.stderr, r);
        const next = typedAhead
          ? s.queued.shift()
          : s.closed
            ? undefined
            : await Promise.race([new Promise<string | undefined>((resolve) => (s.reader = resolve)), aborted]);
        if (s.interrupted) await stopRun();
        // A line typed while the last turn ran is shown after the prompt, as if typed there: else the reply to it
        // would start on the prompt's line, looking like the user's input.
        if (typedAhead && terminal) io.stderr.write(`${printable(next ?? "")}\n`);
        if (!terminal && next?.trim()) io.stderr.write(`${prompt}${oneLine(next, 500)}\n`);
        if (next !== undefined) return next;
        // Ctrl-D (or a second Ctrl-C) leaves the cursor after the prompt: what follows (the summary) starts a line of
        // its own.
        if (terminal) io.stderr.write("\n");
        return undefined;
      } finally {
        s.shownPrompt = undefined;
        s.reader = undefined;
        io.signal.removeEventListener("abort", onAbort);
      }
    },
    /**
     * Start a REPL turn: its signal is aborted by a Ctrl-C typed while it runs (or by the run's own signal); `end`
     * hands Ctrl-C back to the run.
     */
    turn: (): { signal: AbortSignal; end(): void } => {
      const controller = new AbortController();
      s.runningTurn = controller;
      return {
        signal: AbortSignal.any([io.signal, controller.signal]),
        end: () => {
          if (s.runningTurn === controller) s.runningTurn = undefined;
        },
      };
    },
    ...terminalQuestions(io, s, get, onQuestion),
    /**
     * Write whole lines on stderr, or on `out` (stdout's transcript, on the same terminal): a tool's result, a server's
     * log line, a notice. On a terminal, while the prompt or a question waits for input, they go above it, and the
     * prompt and what was typed so far are drawn again below them.
     */
    above: (text: string, out: NodeJS.WritableStream = io.stderr): void => {
      const waiting = s.shownPrompt !== undefined || s.questionShown;
      if (s.rl && !s.closed && io.stdin.isTTY === true && waiting) writeAbovePrompt(io.stderr, s.rl, text, out);
      else out.write(text);
    },
    close: () => {
      s.closing = true;
      s.rl?.close();
    },
  };
}
