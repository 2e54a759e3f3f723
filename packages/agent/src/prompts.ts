import { writeAbovePrompt } from "./above-prompt.js";
import { ctrlCAtPrompt, QUIT_AGAIN } from "./ctrl-c.js";
import { EXIT, Interrupted } from "./errors.js";
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, PasteJoiner } from "./paste.js";
import { type Consent, readConsent } from "./permissions.js";
import { oneLine } from "./render.js";

/** The streams a prompt needs. */
export interface PromptIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
  /** For TERM: a dumb terminal (Emacs' shell) would print bracketed paste's switch, not act on it. */
  env?: Record<string, string | undefined>;
}

/** Lines typed for the interactive session, and y/n questions for --ask, on one readline interface. */
export function terminalPrompts(
  io: PromptIO,
  complete?: (line: string) => Promise<[string[], string]>,
  /** Told when a question (a y/n, or a server's form) starts and ends, so nothing else draws over it. */
  onQuestion?: (asking: boolean) => void,
) {
  let rl: import("node:readline/promises").Interface | undefined;
  let closed = false;
  // close() was called: the run is ending, so an interface closed now is not opened again.
  let closing = false;
  // Lines read while nothing asked for one (typed ahead), kept for the prompt; `reader`: the prompt waiting for one.
  const queued: string[] = [];
  let reader: ((line: string | undefined) => void) | undefined;
  // Kept across the interfaces a question's Ctrl-D makes us open (below), so the arrow keys still recall it.
  let history: string[] = [];
  // Set the moment readline sees Ctrl-C, before the signal it re-raises is handled: an Enter typed right after it
  // (often in the same read) must not end the session as if the user had quit.
  let interrupted = false;
  // The REPL turn running now, if any: Ctrl-C typed during it stops that turn only.
  let runningTurn: AbortController | undefined;
  // The REPL prompt waiting for a line, if one is; `quitArmed`: the last key was a Ctrl-C on its empty line.
  let shownPrompt: string | undefined;
  let quitArmed = false;
  // A Ctrl-C came while the turn it stopped was still ending, and was warned about.
  let stopArmed = false;
  // A question (y/n, a server's) is waiting for its answer.
  let questionShown = false;
  // A multi-line paste is one input (paste.ts); kept across interfaces, as the history is.
  const paste = new PasteJoiner();
  // A typed (or pasted) line goes to the prompt waiting for one, else it is kept for the next.
  const deliver = (line: string) => {
    const waiting = reader;
    reader = undefined;
    if (waiting) waiting(line);
    else queued.push(line);
  };
  const marksPastes = io.stdin.isTTY === true && io.env?.TERM !== "dumb";
  // Marked pastes off again however the process ends (a second Ctrl-C exits without closing the interface).
  const pasteOff = () => io.stderr.write(BRACKETED_PASTE_OFF);
  const get = async () => {
    if (!rl) {
      const readline = await import("node:readline/promises");
      const r = readline.createInterface({
        input: io.stdin,
        output: io.stderr,
        terminal: io.stdin.isTTY === true,
        history: [...history],
        ...(complete
          ? { completer: (line: string) => complete(line).catch((): [string[], string] => [[], line]) }
          : {}),
      });
      rl = r;
      // A terminal that went away (its window closed) fails with EIO, as readline reads or switches raw mode off:
      // input has ended, as at Ctrl-D, and the run ends as it would then (an unhandled 'error' would crash it). The
      // close comes after the failing call returns; in one readline was making itself, it is already closed. Any
      // other failure ends input too, but is said: someone is there to read it.
      r.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "EIO")
          io.stderr.write(`\nmcp-agent: reading input failed (${error.code ?? error.message}); input ended\n`);
        setImmediate(() => r.close());
      });
      // Back from Ctrl-Z (fg): readline pauses its input and leaves resuming it to us; the shell turned the marking of
      // pastes off meanwhile.
      r.on("SIGCONT", () => {
        if (marksPastes) io.stderr.write(BRACKETED_PASTE_ON);
        r.resume();
      });
      // Ctrl-Z stops the process in readline's own key handler; the marking of pastes goes off before (this listener
      // runs first), so the shell the terminal goes back to gets plain pastes (bash before 5.1 reads no marks).
      const offOnSuspend = (_: string | undefined, key: { ctrl?: boolean; name?: string } | undefined) => {
        if (key?.ctrl && key.name === "z" && process.platform !== "win32") pasteOff();
      };
      if (marksPastes) {
        io.stderr.write(BRACKETED_PASTE_ON);
        process.once("exit", pasteOff);
        io.stdin.prependListener("keypress", offOnSuspend);
      }
      // A question's answer goes to the question, not here (readline's own routing).
      r.on("line", (line: string) => {
        const input = paste.line(line);
        if (input !== undefined) deliver(input);
      });
      r.on("history", (lines: string[]) => {
        history = lines;
      });
      // On a TTY readline takes Ctrl-C itself: it stops the REPL turn running, if one is and has not been stopped
      // already; at the prompt it is the prompt's; otherwise it goes to the process handler (stop the run, then force).
      r.on("SIGINT", () => {
        if (runningTurn && !runningTurn.signal.aborted) {
          runningTurn.abort();
          stopArmed = false;
          return;
        }
        // A stopped turn still winding down: a second Ctrl-C warns, as at the prompt, rather than end the session
        // unannounced; a third stops the run (below).
        if (runningTurn && !stopArmed) {
          stopArmed = true;
          io.stderr.write(`\nmcp-agent: stopping this turn; ${QUIT_AGAIN}\n`);
          return;
        }
        if (shownPrompt !== undefined) {
          onPromptCtrlC(r, shownPrompt);
          return;
        }
        interrupted = true;
        process.kill(process.pid, "SIGINT");
      });
      // Any key but Ctrl-C disarms the quit a first Ctrl-C at the prompt armed, and a paste's marks start and end it
      // (readline's own listener runs first, so the paste's lines are already read when its end comes).
      const onKey = (_: string | undefined, key: { ctrl?: boolean; name?: string } | undefined) => {
        if (!(key?.ctrl && key.name === "c")) quitArmed = false;
        if (key?.name === "paste-start") paste.start();
        if (key?.name !== "paste-end") return;
        const input = paste.end(r.line);
        if (input !== undefined) deliver(input);
      };
      io.stdin.on("keypress", onKey);
      r.once("close", () => {
        closed = true;
        io.stdin.off("keypress", onKey);
        if (marksPastes) {
          pasteOff();
          process.off("exit", pasteOff);
          io.stdin.off("keypress", offOnSuspend);
        }
        const waiting = reader;
        reader = undefined;
        waiting?.(undefined);
      });
    }
    return rl;
  };
  /**
   * Readline closes itself on Ctrl-D at an empty line. At a question on a terminal that Ctrl-D answers the question
   * only: a fresh interface takes over, so the session (and the questions after it) go on. Piped, end of input stays
   * the end.
   */
  const reopenAfterQuestion = async () => {
    if (closing || io.signal.aborted || io.stdin.isTTY !== true) return;
    rl = undefined;
    closed = false;
    await get();
  };
  /**
   * On a terminal, lines typed before a question showed were not typed in answer to it (a `y` meant for a question
   * not yet asked, a next task): they are dropped, and a line says so, rather than answering it or becoming a turn.
   */
  const dropTypeAhead = (r: NonNullable<typeof rl>) => {
    // A paste waiting for its last line goes with that line.
    const pasted = paste.pending;
    paste.clear();
    const dropped = [...queued.splice(0), ...(pasted ? [pasted] : []), ...(r.line ? [r.line] : [])];
    if (dropped.length === 0) return;
    // A half-typed line leaves the cursor after its echo.
    io.stderr.write(
      `${r.line ? "\n" : ""}mcp-agent: typed before the question showed, so not taken: ${oneLine(dropped.join(" / "), 120)}\n`,
    );
  };
  /**
   * A Ctrl-C that readline passed on as the process's SIGINT: its handler (cli.ts) says the run is stopping, then
   * aborts the run's signal. Thrown once it has, so its line comes before the summary the run prints as it ends.
   */
  const stopRun = async (): Promise<never> => {
    if (!io.signal.aborted)
      await new Promise((resolve) => io.signal.addEventListener("abort", resolve, { once: true }));
    throw new Interrupted(EXIT.interrupted);
  };
  // At the prompt Ctrl-C clears the line typed, or warns, or (pressed again) ends input as Ctrl-D does.
  const onPromptCtrlC = (r: NonNullable<typeof rl>, prompt: string) => {
    // Lines pasted above the line being typed are part of it.
    const action = ctrlCAtPrompt(paste.pending + r.line, quitArmed);
    quitArmed = action === "warn";
    if (action === "warn") io.stderr.write(`\nmcp-agent: ${QUIT_AGAIN}${prompt}`);
    else if (action === "quit") r.close();
    else {
      paste.clear();
      r.write(null, { ctrl: true, name: "e" });
      r.write(null, { ctrl: true, name: "u" });
    }
  };
  /**
   * `until`: the question is withdrawn (the promise rejects) when it aborts, as by the REPL turn's Ctrl-C. Undefined
   * at end of input (Ctrl-D), which ends the line the question is on.
   */
  const ask = async (question: string, until?: AbortSignal): Promise<string | undefined> => {
    const r = await get();
    if (closed) return undefined;
    const tty = io.stdin.isTTY === true;
    if (tty) dropTypeAhead(r);
    let onClose = () => {};
    const ended = new Promise<undefined>((resolve) => {
      onClose = () => resolve(undefined);
      r.once("close", onClose);
    });
    let answer: string | undefined;
    // A question asked during a REPL turn ends with it.
    const signals = [io.signal, ...(runningTurn ? [runningTurn.signal] : []), ...(until ? [until] : [])];
    const ends = signals.length > 1 ? AbortSignal.any(signals) : io.signal;
    // Readline's question keeps listening to its signal after Ctrl-D closed the interface, and an abort then (the
    // call ending) writes a stray line break: it gets a signal that stops following once the question is settled.
    const withdrawn = new AbortController();
    const withdraw = () => withdrawn.abort(ends.reason);
    if (ends.aborted) withdraw();
    else ends.addEventListener("abort", withdraw, { once: true });
    try {
      questionShown = true;
      const answered = r.question(question, { signal: withdrawn.signal });
      // A half-typed line was drawn after the question: drawn again without it (Ctrl-E, Ctrl-U).
      if (tty && r.line) {
        r.write(null, { ctrl: true, name: "e" });
        r.write(null, { ctrl: true, name: "u" });
      }
      answer = await Promise.race([answered, ended]);
    } finally {
      questionShown = false;
      r.off("close", onClose);
      ends.removeEventListener("abort", withdraw);
    }
    if (answer === undefined) {
      // Ctrl-D leaves the cursor after the question: what follows starts a line of its own.
      io.stderr.write("\n");
      await reopenAfterQuestion();
    }
    return answer;
  };
  // One question (or one server's whole form) at a time, even when calls run in parallel.
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const done = turn.then(async () => {
      onQuestion?.(true);
      try {
        return await work();
      } finally {
        onQuestion?.(false);
      }
    });
    turn = done.catch(() => {});
    return done;
  };
  return {
    /**
     * The next line, or undefined at end of input. Lines typed ahead are kept, not lost. On a terminal Ctrl-C while
     * waiting clears the line, or warns, and a second one ends input (see ctrl-c.ts); the run's signal (Ctrl-C
     * piped, SIGTERM) throws Interrupted, so the run stops at once with the signal's exit code.
     */
    nextLine: async (prompt: string): Promise<string | undefined> => {
      const r = await get();
      if (interrupted || io.signal.aborted) await stopRun();
      io.stderr.write(prompt);
      // Readline's own prompt is the line it is on, for redrawing it (above).
      r.setPrompt(prompt.split("\n").at(-1) ?? "");
      let onAbort = () => {};
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new Interrupted(EXIT.interrupted));
        io.signal.addEventListener("abort", onAbort, { once: true });
      });
      try {
        quitArmed = false;
        shownPrompt = prompt;
        const next =
          queued.length > 0
            ? queued.shift()
            : closed
              ? undefined
              : await Promise.race([new Promise<string | undefined>((resolve) => (reader = resolve)), aborted]);
        if (interrupted) await stopRun();
        if (next !== undefined) return next;
        // Ctrl-D (or a second Ctrl-C) leaves the cursor after the prompt: what follows (the summary) starts a line of
        // its own.
        if (io.stdin.isTTY === true) io.stderr.write("\n");
        return undefined;
      } finally {
        shownPrompt = undefined;
        reader = undefined;
        io.signal.removeEventListener("abort", onAbort);
      }
    },
    /**
     * Start a REPL turn: its signal is aborted by a Ctrl-C typed while it runs (or by the run's own signal); `end`
     * hands Ctrl-C back to the run.
     */
    turn: (): { signal: AbortSignal; end(): void } => {
      const controller = new AbortController();
      runningTurn = controller;
      return {
        signal: AbortSignal.any([io.signal, controller.signal]),
        end: () => {
          if (runningTurn === controller) runningTurn = undefined;
        },
      };
    },
    /**
     * y/n/a (a: this tool from now on); an answer not understood is explained and asked again, three times at most,
     * then taken as no. Ctrl-D is a no for this question, never a question left waiting forever; on a terminal the
     * next is still asked (piped, end of input is a no to every later one).
     */
    confirm: (q: string, tool: string): Promise<Consent> =>
      exclusive(async () => {
        for (let tries = 0; tries < 3; tries++) {
          const answer = await ask(`allow ${oneLine(q, 2000)}? [y/N/a] `);
          if (answer === undefined) return "no";
          const consent = readConsent(answer);
          if (consent) return consent;
          io.stderr.write(
            `mcp-agent: answer y (yes), n or Enter (no), or a (yes, and do not ask again for ${oneLine(tool, 80)} in this run)\n`,
          );
        }
        return "no";
      }),
    /** One line typed in answer (a server's question); undefined at end of input. Use within exclusive(). */
    ask,
    /** Run a sequence of questions with no other question in between. */
    exclusive,
    /**
     * Write whole lines on stderr, or on `out` (stdout's transcript, on the same terminal): a tool's result, a server's
     * log line, a notice. On a terminal, while the prompt or a question waits for input, they go above it, and the
     * prompt and what was typed so far are drawn again below them.
     */
    above: (text: string, out: NodeJS.WritableStream = io.stderr): void => {
      const waiting = shownPrompt !== undefined || questionShown;
      if (rl && !closed && io.stdin.isTTY === true && waiting) writeAbovePrompt(io.stderr, rl, text, out);
      else out.write(text);
    },
    close: () => {
      closing = true;
      rl?.close();
    },
  };
}
