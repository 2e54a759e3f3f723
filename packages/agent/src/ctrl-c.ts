/** What a Ctrl-C typed at the idle REPL prompt does. */
export type PromptCtrlC = "clear-line" | "warn" | "quit";

/** The line shown after a first Ctrl-C on an empty prompt line. */
export const QUIT_AGAIN = "press Ctrl-C again to quit";

/**
 * Ctrl-C at the prompt, as in most REPLs: a line being typed is cleared; on an empty line the first one warns, and
 * a second with no other key pressed in between (`armed`) quits. No clock: any other key disarms it. Pure.
 */
export function ctrlCAtPrompt(line: string, armed: boolean): PromptCtrlC {
  if (line.length > 0) return "clear-line";
  return armed ? "quit" : "warn";
}
