import type { Interface } from "node:readline/promises";
import { PasteJoiner } from "./paste.js";

/** The streams a prompt needs. */
export interface PromptIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
  /** For TERM: a dumb terminal (Emacs' shell) would print bracketed paste's switch, not act on it. */
  env?: Record<string, string | undefined>;
}

/** What the prompt, its questions and the readline interface they read with share about the terminal's input. */
export interface InputState {
  rl: Interface | undefined;
  closed: boolean;
  /** close() was called: the run is ending, so an interface closed now is not opened again. */
  closing: boolean;
  /** Lines read while nothing asked for one (typed ahead), kept for the prompt. */
  queued: string[];
  /** The prompt waiting for a line. */
  reader: ((line: string | undefined) => void) | undefined;
  /** Kept across the interfaces a question's Ctrl-D makes us open, so the arrow keys still recall it. */
  history: string[];
  /**
   * Set the moment readline sees Ctrl-C, before the signal it re-raises is handled: an Enter typed right after it
   * (often in the same read) must not end the session as if the user had quit.
   */
  interrupted: boolean;
  /** The REPL turn running now, if any: Ctrl-C typed during it stops that turn only. */
  runningTurn: AbortController | undefined;
  /** The REPL prompt waiting for a line, if one is. */
  shownPrompt: string | undefined;
  /** The last key was a Ctrl-C on the prompt's empty line. */
  quitArmed: boolean;
  /** A Ctrl-C came while the turn it stopped was still ending, and was warned about. */
  stopArmed: boolean;
  /** A question (y/n, a server's) is waiting for its answer. */
  questionShown: boolean;
  /** A multi-line paste is one input (paste.ts); kept across interfaces, as the history is. */
  paste: PasteJoiner;
  /**
   * While a paste made at a question comes in: what it brought so far (with the line typed before it). Neither the
   * question's answer nor input for the prompt (prompt-questions.ts).
   */
  pasteAtQuestion: string[] | undefined;
}

/** The state before any interface is opened: nothing typed, no turn, no prompt. */
export function inputState(): InputState {
  return {
    rl: undefined,
    closed: false,
    closing: false,
    queued: [],
    reader: undefined,
    history: [],
    interrupted: false,
    runningTurn: undefined,
    shownPrompt: undefined,
    quitArmed: false,
    stopArmed: false,
    questionShown: false,
    paste: new PasteJoiner(),
    pasteAtQuestion: undefined,
  };
}
