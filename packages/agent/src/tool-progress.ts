import type { ToolUseBlock } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { PROGRESS_AFTER_MS, type ProgressUpdate, type Renderer } from "./render.js";

/** A server's progress report for a call, as the pool passes it on. */
export interface ProgressReport {
  progress: number;
  total?: number | undefined;
  message?: string | undefined;
}

/**
 * Progress of one call: each server report goes to the renderer, and a tick each second keeps the elapsed time
 * current (the terminal shows a live line from the first second; --json keeps the reports). `stop` when it ends.
 */
export function watchProgress(renderer: Renderer, call: ToolUseBlock, started: number) {
  let last: Pick<ProgressUpdate, "progress" | "total" | "message"> = {};
  const update = (tick: boolean) =>
    renderer.progress({ id: call.id, name: call.name, elapsedMs: performance.now() - started, tick, ...last });
  const timer = setInterval(() => update(true), PROGRESS_AFTER_MS);
  return {
    report: (p: ProgressReport) => {
      last = { progress: p.progress, total: p.total, message: p.message };
      update(false);
    },
    stop: () => {
      clearInterval(timer);
      renderer.progressEnd(call.id);
    },
  };
}
