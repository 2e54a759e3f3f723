import { PROGRESS_AFTER_MS, type Renderer } from "./render.js";

/** The id the renderer knows the wait for a reply by (tool calls' ids start toolu_). */
const REPLY = "reply";

/**
 * The live line while a streamed reply shows nothing — before its first word, or while the model writes a tool call's
 * input, which can take a minute for a large file — so a quiet terminal is not taken for a hung one: the renderer
 * shows it once a second has passed with nothing shown (on a terminal only, at the start of a line). `shown`: text or
 * thinking was written, and the clock starts again; `writing`: a tool call began; `stop` when the reply ends.
 */
export function watchReply(renderer: Renderer) {
  let since = performance.now();
  let what = "waiting for the model's reply";
  const timer = setInterval(
    () => renderer.progress({ id: REPLY, name: what, elapsedMs: performance.now() - since, tick: true }),
    PROGRESS_AFTER_MS,
  );
  return {
    shown: () => {
      since = performance.now();
    },
    writing: (tool: string) => {
      since = performance.now();
      what = `the model is writing its ${tool} call`;
    },
    stop: () => {
      clearInterval(timer);
      renderer.progressEnd(REPLY);
    },
  };
}
