import type { Interface } from "node:readline/promises";
import { oneLine } from "./one-line.js";
import { type Consent, readConsent } from "./permissions.js";
import type { InputState, PromptIO } from "./prompt-state.js";

/** How long a newly opened terminal input is given to read what was typed before it opened. */
const TYPE_AHEAD_READ_MS = 50;

/** The question was given up for a paste (its text is not an answer), which has now ended. */
const PASTED = Symbol("pasted");

/**
 * The questions asked on the terminal (a y/n for a tool call, a server's own), one at a time. `get` opens the
 * interface they are asked on; `onQuestion` is told when each starts and ends.
 */
export function terminalQuestions(
  io: PromptIO,
  s: InputState,
  get: () => Promise<Interface>,
  onQuestion?: (asking: boolean) => void,
) {
  /**
   * Readline closes itself on Ctrl-D at an empty line. At a question on a terminal that Ctrl-D answers the question
   * only: a fresh interface takes over, so the session (and the questions after it) go on. Piped, end of input stays
   * the end.
   */
  const reopenAfterQuestion = async () => {
    if (s.closing || io.signal.aborted || io.stdin.isTTY !== true) return;
    s.rl = undefined;
    s.closed = false;
    await get();
  };
  /**
   * On a terminal, lines typed before a question showed were not typed in answer to it (a `y` meant for a question
   * not yet asked, a next task): they are dropped, and a line says so, rather than answering it or becoming a turn.
   */
  const dropTypeAhead = (r: Interface) => {
    // A paste waiting for its last line goes with that line.
    const pasted = s.paste.pending;
    s.paste.clear();
    const dropped = [...s.queued.splice(0), ...(pasted ? [pasted] : []), ...(r.line ? [r.line] : [])];
    if (dropped.length === 0) return;
    // A half-typed line leaves the cursor after its echo.
    io.stderr.write(
      `${r.line ? "\n" : ""}mcp-agent: typed before the question showed, so not taken (as its answer or as a turn; type it again to send it): ${oneLine(dropped.join(" / "), 120)}\n`,
    );
  };
  /**
   * Show the question once and read its answer. Readline's question gets a signal of its own, which stops following
   * `ends` once the question is settled: after Ctrl-D closed the interface, an abort (the call ending) would write a
   * stray line break. A paste starting withdraws it at once, so that none of the paste's lines is taken as the answer
   * (they are kept aside, terminal-input.ts): PASTED when that paste has ended. Undefined when input ends (`ended`).
   */
  const questionOnce = async (r: Interface, question: string, ends: AbortSignal, ended: Promise<undefined>) => {
    const withdrawn = new AbortController();
    const withdraw = () => withdrawn.abort(ends.reason);
    if (ends.aborted) withdraw();
    else ends.addEventListener("abort", withdraw, { once: true });
    let pasteEnded = () => {};
    const pasteDone = new Promise<typeof PASTED>((resolve) => (pasteEnded = () => resolve(PASTED)));
    // Readline's key handler runs before this one: a paste's start is seen before any of its text is read.
    const onKey = (_: string | undefined, key: { name?: string } | undefined) => {
      if (key?.name === "paste-start" && !withdrawn.signal.aborted) {
        s.pasteAtQuestion = r.line ? [r.line] : [];
        withdrawn.abort(PASTED);
      }
      if (key?.name === "paste-end" && s.pasteAtQuestion !== undefined) pasteEnded();
    };
    let stopWaiting = () => {};
    if (io.stdin.isTTY === true) io.stdin.on("keypress", onKey);
    try {
      const answered = r.question(question, { signal: withdrawn.signal }).catch((error: unknown) => {
        if (withdrawn.signal.reason !== PASTED) throw error;
        // Until the paste ends; the question is still withdrawn if its turn is (Ctrl-C) meanwhile.
        const stopped = new Promise<never>((_, reject) => {
          stopWaiting = () =>
            reject(
              Object.assign(new Error("The operation was aborted", { cause: ends.reason }), { name: "AbortError" }),
            );
          if (ends.aborted) stopWaiting();
          else ends.addEventListener("abort", stopWaiting, { once: true });
        });
        return Promise.race([pasteDone, stopped]);
      });
      // A half-typed line was drawn after the question: drawn again without it (Ctrl-E, Ctrl-U).
      if (io.stdin.isTTY === true && r.line) {
        r.write(null, { ctrl: true, name: "e" });
        r.write(null, { ctrl: true, name: "u" });
      }
      return await Promise.race([answered, ended]);
    } finally {
      io.stdin.off("keypress", onKey);
      ends.removeEventListener("abort", withdraw);
      ends.removeEventListener("abort", stopWaiting);
    }
  };
  /**
   * `until`: the question is withdrawn (the promise rejects) when it aborts, as by the REPL turn's Ctrl-C. Undefined
   * at end of input (Ctrl-D), which ends the line the question is on. Only typed keys answer: a paste made while the
   * question waits is dropped, with a line saying so and what to type (`expects`), and the question asked again.
   */
  const ask = async (question: string, until?: AbortSignal, expects = "the answer"): Promise<string | undefined> => {
    const fresh = s.rl === undefined;
    const r = await get();
    if (s.closed) return undefined;
    const tty = io.stdin.isTTY === true;
    // Opened just now (a one-shot run's first question): what the terminal held from before is read first, so it is
    // dropped as typed ahead instead of arriving as the answer.
    if (tty && fresh) {
      await new Promise((resolve) => setTimeout(resolve, TYPE_AHEAD_READ_MS));
      // A Ctrl-D typed ahead closed the input meanwhile: it is this question's end of input, as it would have been.
      if (s.closed) {
        await reopenAfterQuestion();
        return undefined;
      }
    }
    if (tty) dropTypeAhead(r);
    let onClose = () => {};
    const ended = new Promise<undefined>((resolve) => {
      onClose = () => resolve(undefined);
      r.once("close", onClose);
    });
    let answer: string | undefined;
    // A question asked during a REPL turn ends with it.
    const signals = [io.signal, ...(s.runningTurn ? [s.runningTurn.signal] : []), ...(until ? [until] : [])];
    const ends = signals.length > 1 ? AbortSignal.any(signals) : io.signal;
    try {
      s.questionShown = true;
      for (;;) {
        const got = await questionOnce(r, question, ends, ended);
        if (got !== PASTED) {
          answer = got;
          break;
        }
        // The paste ended: what it brought is dropped, said, and the question asked again. A paste ending mid-line
        // leaves the cursor after that half line's echo.
        const dropped = [...(s.pasteAtQuestion ?? []), ...(r.line ? [r.line] : [])];
        s.pasteAtQuestion = undefined;
        io.stderr.write(
          `${r.line ? "\n" : ""}mcp-agent: a paste is not taken as an answer: type ${expects}; what was pasted is dropped (not sent as a turn; paste it at the prompt to send it): ${oneLine(dropped.join(" / "), 120)}\n`,
        );
      }
    } finally {
      s.questionShown = false;
      s.pasteAtQuestion = undefined;
      r.off("close", onClose);
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
     * y/n/a (a: this tool from now on); an answer not understood is explained and asked again, three times at most,
     * then taken as no. Ctrl-D is a no for this question, never a question left waiting forever; on a terminal the
     * next is still asked (piped, end of input is a no to every later one).
     */
    confirm: (q: string, tool: string): Promise<Consent> =>
      exclusive(async () => {
        for (let tries = 0; tries < 3; tries++) {
          const answer = await ask(`allow ${oneLine(q, 2000)}? [y/N/a] `, undefined, "y, n or a");
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
  };
}
