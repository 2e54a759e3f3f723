import type { Interface } from "node:readline/promises";
import { ctrlCAtPrompt, QUIT_AGAIN } from "./ctrl-c.js";
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON } from "./paste.js";
import type { InputState, PromptIO } from "./prompt-state.js";
import { resizeWhileDrawn } from "./resize-gate.js";

/** The inputs Up and Down recall: a typed line, or a paste as one entry however many lines it has. */
export const HISTORY_SIZE = 100;

/**
 * Open the readline interface (kept in `s.rl`) and route what it reads: lines, pastes, Ctrl-C, Ctrl-Z, input errors
 * and its closing.
 */
export async function openInput(
  io: PromptIO,
  s: InputState,
  complete?: (line: string) => Promise<[string[], string]>,
): Promise<Interface> {
  // Readline keeps this array as its history (newest first).
  const entries = [...s.history];
  // A typed (or pasted) line goes to the prompt waiting for one, else it is kept for the next. A paste is recalled
  // whole: readline added none of its lines (below).
  const deliver = (line: string, pasted = false) => {
    if (pasted && line.trim() && entries[0] !== line) {
      entries.unshift(line);
      if (entries.length > HISTORY_SIZE) entries.pop();
      s.history = [...entries];
    }
    const waiting = s.reader;
    s.reader = undefined;
    if (waiting) waiting(line);
    else s.queued.push(line);
  };
  const marksPastes = io.stdin.isTTY === true && io.env?.TERM !== "dumb";
  // Marked pastes off again however the process ends (a second Ctrl-C exits without closing the interface).
  const pasteOff = () => io.stderr.write(BRACKETED_PASTE_OFF);
  const readline = await import("node:readline/promises");
  // A resize redraws the prompt only while one is shown: during a turn it would wipe the line being written.
  const screen = resizeWhileDrawn(io.stderr, () => s.shownPrompt !== undefined || s.questionShown);
  const r = readline.createInterface({
    input: io.stdin,
    output: screen.output,
    terminal: io.stdin.isTTY === true,
    history: entries,
    historySize: HISTORY_SIZE,
    ...(complete ? { completer: (line: string) => complete(line).catch((): [string[], string] => [[], line]) } : {}),
  });
  s.rl = r;
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
    // A line of a paste made at a question is kept aside: the question says it was not taken.
    if (s.pasteAtQuestion) {
      s.pasteAtQuestion.push(line);
      return;
    }
    const pasted = s.paste.active;
    const input = s.paste.line(line);
    if (input !== undefined) deliver(input, pasted);
  });
  // Readline adds each line of a paste as it ends, pushing older entries out, and each answer to a question (a y):
  // the history is put back as it was before them, and deliver() adds the paste as one entry (as Node documents, a
  // listener may change the history).
  r.on("history", (lines: string[]) => {
    if (s.paste.active || s.questionShown) lines.splice(0, lines.length, ...s.history);
    s.history = [...lines];
  });
  // On a TTY readline takes Ctrl-C itself: it stops the REPL turn running, if one is and has not been stopped
  // already; at the prompt it is the prompt's; otherwise it goes to the process handler (stop the run, then force).
  r.on("SIGINT", () => {
    if (s.runningTurn && !s.runningTurn.signal.aborted) {
      s.runningTurn.abort();
      s.stopArmed = false;
      return;
    }
    // A stopped turn still winding down: a second Ctrl-C warns, as at the prompt, rather than end the session
    // unannounced; a third stops the run (below).
    if (s.runningTurn && !s.stopArmed) {
      s.stopArmed = true;
      io.stderr.write(`\nmcp-agent: stopping this turn; ${QUIT_AGAIN}\n`);
      return;
    }
    if (s.shownPrompt !== undefined) {
      onPromptCtrlC(io, s, r, s.shownPrompt);
      return;
    }
    s.interrupted = true;
    process.kill(process.pid, "SIGINT");
  });
  // Any key but Ctrl-C disarms the quit a first Ctrl-C at the prompt armed, and a paste's marks start and end it
  // (readline's own listener runs first, so the paste's lines are already read when its end comes).
  const onKey = (_: string | undefined, key: { ctrl?: boolean; name?: string } | undefined) => {
    if (!(key?.ctrl && key.name === "c")) s.quitArmed = false;
    if (key?.name === "paste-start") s.paste.start();
    if (key?.name !== "paste-end") return;
    const input = s.paste.end(r.line);
    if (input !== undefined) deliver(input, true);
  };
  io.stdin.on("keypress", onKey);
  r.once("close", () => {
    s.closed = true;
    screen.dispose();
    io.stdin.off("keypress", onKey);
    if (marksPastes) {
      pasteOff();
      process.off("exit", pasteOff);
      io.stdin.off("keypress", offOnSuspend);
    }
    const waiting = s.reader;
    s.reader = undefined;
    waiting?.(undefined);
  });
  return r;
}

// At the prompt Ctrl-C clears the line typed, or warns, or (pressed again) ends input as Ctrl-D does.
function onPromptCtrlC(io: PromptIO, s: InputState, r: Interface, prompt: string) {
  // Lines pasted above the line being typed are part of it.
  const action = ctrlCAtPrompt(s.paste.pending + r.line, s.quitArmed);
  s.quitArmed = action === "warn";
  if (action === "warn") io.stderr.write(`\nmcp-agent: ${QUIT_AGAIN}${prompt}`);
  else if (action === "quit") r.close();
  else {
    s.paste.clear();
    r.write(null, { ctrl: true, name: "e" });
    r.write(null, { ctrl: true, name: "u" });
  }
}
