// A multi-line paste at the prompt is one input, not a turn per line. With bracketed paste on (xterm's mode 2004,
// which terminals that lack it ignore) the terminal marks where pasted text starts and ends, and Node's keypress
// decoder reports those marks as the keys paste-start and paste-end.

/** Asks the terminal to mark pasted text. */
export const BRACKETED_PASTE_ON = "\x1b[?2004h";
/** Back to unmarked pastes, for whatever runs after us on the terminal. */
export const BRACKETED_PASTE_OFF = "\x1b[?2004l";

/**
 * The lines of a paste joined into one input. Lines that end inside a paste are held. A paste that ends with its
 * newline is delivered as it ends; one that leaves a line half-typed waits for the Enter that ends that line, and is
 * delivered with it. Typed lines pass through. No I/O.
 */
export class PasteJoiner {
  private pasting = false;
  private held: string[] = [];

  /** A paste starts (paste-start). */
  start(): void {
    this.pasting = true;
  }

  /** A paste ended (paste-end); `editing`: the line being edited now. Returns the input to deliver, if one is whole. */
  end(editing: string): string | undefined {
    this.pasting = false;
    if (editing !== "" || this.held.length === 0) return undefined;
    return this.held.splice(0).join("\n");
  }

  /** A line ended (Enter, or a newline inside a paste). Returns the input to deliver, if one is whole. */
  line(line: string): string | undefined {
    if (this.pasting) {
      this.held.push(line);
      return undefined;
    }
    if (this.held.length === 0) return line;
    return [...this.held.splice(0), line].join("\n");
  }

  /** A paste is coming in, or its lines wait for the line being edited: a line ending now is part of it. */
  get active(): boolean {
    return this.pasting || this.held.length > 0;
  }

  /** The pasted lines waiting for the line being edited, joined; empty when there are none. */
  get pending(): string {
    return this.held.join("\n");
  }

  /** Forget the pasted lines waiting (Ctrl-C cleared the input). */
  clear(): void {
    this.held = [];
  }
}
