const STDERR_LINES = 20;
/** Longest stderr line kept: a server spewing stderr without newlines must not grow memory or error lines. */
const MAX_STDERR_LINE = 2000;

/**
 * The last lines a server process wrote to stderr, each clipped, for start-up and exit error reports; every line is
 * also handed to `onLine` (for --verbose) as it ends.
 */
export class StderrTail {
  readonly lines: string[] = [];
  private partial = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const lines = (this.partial + chunk).split("\n");
    this.partial = lines.pop() ?? "";
    if (this.partial.length > MAX_STDERR_LINE) {
      lines.push(this.partial);
      this.partial = "";
    }
    for (const raw of lines) {
      const line = clip(raw.trimEnd());
      if (!line) continue;
      this.lines.push(line);
      if (this.lines.length > STDERR_LINES) this.lines.shift();
      this.onLine(line);
    }
  }

  /** The process has ended: an unterminated last line is kept too. */
  end(): void {
    if (this.partial.trim()) this.lines.push(clip(this.partial.trim()));
  }
}

function clip(line: string): string {
  return line.length > MAX_STDERR_LINE ? `${line.slice(0, MAX_STDERR_LINE)}…` : line;
}
