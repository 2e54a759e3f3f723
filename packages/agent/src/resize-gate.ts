import { Writable } from "node:stream";

/** A terminal stream as readline uses it: written to, with a width, and a 'resize' event when the window changes. */
type TerminalStream = NodeJS.WritableStream & { columns?: number; rows?: number; isTTY?: boolean };

/**
 * The stream for readline to draw on: `stream` itself for what is written and its size, but its 'resize' passed on
 * only while `drawn()` says a prompt or a question is on the screen. Readline redraws its prompt at every resize by
 * erasing from the start of the cursor's line: during a turn that line is the model's half-streamed text or a
 * progress line, which would be wiped and a stray prompt left in its place. `dispose` stops listening to `stream`.
 */
export function resizeWhileDrawn(stream: TerminalStream, drawn: () => boolean): { output: Writable; dispose(): void } {
  const output = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      stream.write(chunk);
      done();
    },
  });
  // Read when asked: the size changes as the window does.
  Object.defineProperty(output, "columns", { get: () => stream.columns });
  Object.defineProperty(output, "rows", { get: () => stream.rows });
  Object.assign(output, { isTTY: stream.isTTY });
  const onResize = () => {
    if (drawn()) output.emit("resize");
  };
  stream.on("resize", onResize);
  return { output, dispose: () => stream.off("resize", onResize) };
}
