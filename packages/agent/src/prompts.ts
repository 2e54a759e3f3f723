import { isYes } from "./permissions.js";
import { oneLine } from "./render.js";

/** The streams a prompt needs. */
export interface PromptIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
}

/** Lines typed for the interactive session, and y/n questions for --ask, on one readline interface. */
export function terminalPrompts(io: PromptIO) {
  let rl: import("node:readline/promises").Interface | undefined;
  let lines: AsyncIterator<string> | undefined;
  let closed = false;
  const get = async () => {
    if (!rl) {
      const readline = await import("node:readline/promises");
      rl = readline.createInterface({ input: io.stdin, output: io.stderr, terminal: io.stdin.isTTY === true });
      // On a TTY readline takes Ctrl-C itself; hand it to the process handler (stop, then force).
      rl.on("SIGINT", () => process.kill(process.pid, "SIGINT"));
      rl.once("close", () => {
        closed = true;
      });
    }
    return rl;
  };
  return {
    /** The next line, or undefined at end of input. Lines typed ahead are kept, not lost. */
    nextLine: async (prompt: string): Promise<string | undefined> => {
      const r = await get();
      lines ??= r[Symbol.asyncIterator]();
      io.stderr.write(prompt);
      const next = await lines.next();
      return next.done ? undefined : next.value;
    },
    /** y/n; end of input (Ctrl-D) is a no, never a question left waiting forever. */
    confirm: async (q: string): Promise<boolean> => {
      const r = await get();
      if (closed) return false;
      let onClose = () => {};
      const ended = new Promise<string>((resolve) => {
        onClose = () => resolve("");
        r.once("close", onClose);
      });
      try {
        return isYes(
          await Promise.race([r.question(`allow ${oneLine(q, 2000)}? [y/N] `, { signal: io.signal }), ended]),
        );
      } finally {
        r.off("close", onClose);
      }
    },
    close: () => rl?.close(),
  };
}
