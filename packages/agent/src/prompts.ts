import { writeAbovePrompt } from "./above-prompt.js";
import { ctrlCAtPrompt, QUIT_AGAIN } from "./ctrl-c.js";
import { EXIT, Interrupted } from "./errors.js";
import { type Consent, readConsent } from "./permissions.js";
import { oneLine } from "./render.js";

/** The streams a prompt needs. */
export interface PromptIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
}

/** Lines typed for the interactive session, and y/n questions for --ask, on one readline interface. */
export function terminalPrompts(
  io: PromptIO,
  complete?: (line: string) => Promise<[string[], string]>,
  /** Told when a question (a y/n, or a server's form) starts and ends, so nothing else draws over it. */
  onQuestion?: (asking: boolean) => void,
) {
  let rl: import("node:readline/promises").Interface | undefined;
  let lines: AsyncIterator<string> | undefined;
  let closed = false;
  // Set the moment readline sees Ctrl-C, before the signal it re-raises is handled: an Enter typed right after it
  // (often in the same read) must not end the session as if the user had quit.
  let interrupted = false;
  // The REPL turn running now, if any: Ctrl-C typed during it stops that turn only.
  let runningTurn: AbortController | undefined;
  // The REPL prompt waiting for a line, if one is; `quitArmed`: the last key was a Ctrl-C on its empty line.
  let shownPrompt: string | undefined;
  let quitArmed = false;
  // A question (y/n, a server's) is waiting for its answer.
  let questionShown = false;
  const get = async () => {
    if (!rl) {
      const readline = await import("node:readline/promises");
      rl = readline.createInterface({
        input: io.stdin,
        output: io.stderr,
        terminal: io.stdin.isTTY === true,
        ...(complete
          ? { completer: (line: string) => complete(line).catch((): [string[], string] => [[], line]) }
          : {}),
      });
      // On a TTY readline takes Ctrl-C itself: it stops the REPL turn running, if one is and has not been stopped
      // already; at the prompt it is the prompt's; otherwise it goes to the process handler (stop the run, then force).
      rl.on("SIGINT", () => {
        if (runningTurn && !runningTurn.signal.aborted) {
          runningTurn.abort();
          return;
        }
        if (shownPrompt !== undefined && rl) {
          onPromptCtrlC(rl, shownPrompt);
          return;
        }
        interrupted = true;
        process.kill(process.pid, "SIGINT");
      });
      // Any key but Ctrl-C disarms the quit a first Ctrl-C at the prompt armed (readline's own listener runs first).
      const disarm = (_: string | undefined, key: { ctrl?: boolean; name?: string } | undefined) => {
        if (!(key?.ctrl && key.name === "c")) quitArmed = false;
      };
      io.stdin.on("keypress", disarm);
      rl.once("close", () => {
        closed = true;
        io.stdin.off("keypress", disarm);
      });
    }
    return rl;
  };
  // At the prompt Ctrl-C clears the line typed, or warns, or (pressed again) ends input as Ctrl-D does.
  const onPromptCtrlC = (r: NonNullable<typeof rl>, prompt: string) => {
    const action = ctrlCAtPrompt(r.line, quitArmed);
    quitArmed = action === "warn";
    if (action === "warn") io.stderr.write(`\nmcp-agent: ${QUIT_AGAIN}${prompt}`);
    else if (action === "quit") r.close();
    else {
      r.write(null, { ctrl: true, name: "e" });
      r.write(null, { ctrl: true, name: "u" });
    }
  };
  /** `until`: the question is withdrawn (the promise rejects) when it aborts, as by the REPL turn's Ctrl-C. */
  const ask = async (question: string, until?: AbortSignal): Promise<string | undefined> => {
    const r = await get();
    if (closed) return undefined;
    let onClose = () => {};
    const ended = new Promise<undefined>((resolve) => {
      onClose = () => resolve(undefined);
      r.once("close", onClose);
    });
    try {
      // A question asked during a REPL turn ends with it.
      const signals = [io.signal, ...(runningTurn ? [runningTurn.signal] : []), ...(until ? [until] : [])];
      const signal = signals.length > 1 ? AbortSignal.any(signals) : io.signal;
      questionShown = true;
      return await Promise.race([r.question(question, { signal }), ended]);
    } finally {
      questionShown = false;
      r.off("close", onClose);
    }
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
      lines ??= r[Symbol.asyncIterator]();
      if (interrupted || io.signal.aborted) throw new Interrupted(EXIT.interrupted);
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
        const next = await Promise.race([lines.next(), aborted]);
        if (interrupted) throw new Interrupted(EXIT.interrupted);
        if (!next.done) return next.value;
        // Ctrl-D (or a second Ctrl-C) leaves the cursor after the prompt: what follows (the summary) starts a line of
        // its own.
        if (io.stdin.isTTY === true) io.stderr.write("\n");
        return undefined;
      } finally {
        shownPrompt = undefined;
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
     * then taken as no. End of input (Ctrl-D) is a no, never a question left waiting forever.
     */
    confirm: (q: string, tool: string): Promise<Consent> =>
      exclusive(async () => {
        for (let tries = 0; tries < 3; tries++) {
          const shown = !closed;
          const answer = await ask(`allow ${oneLine(q, 2000)}? [y/N/a] `);
          if (answer === undefined) {
            // Ctrl-D at the question leaves the cursor after it.
            if (shown) io.stderr.write("\n");
            return "no";
          }
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
     * Write whole lines on stderr (a server's log line, a notice). On a terminal, while the prompt or a question waits
     * for input, they go above it, and the prompt and what was typed so far are drawn again below them.
     */
    above: (text: string): void => {
      const waiting = shownPrompt !== undefined || questionShown;
      if (rl && !closed && io.stdin.isTTY === true && waiting) writeAbovePrompt(io.stderr, rl, text);
      else io.stderr.write(text);
    },
    close: () => rl?.close(),
  };
}
