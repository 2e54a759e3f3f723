import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ProgressUpdate, Renderer } from "../src/render.js";
import { watchReply } from "../src/reply-wait.js";

/** A renderer that keeps the waits it was told of. */
function recorder() {
  const updates: ProgressUpdate[] = [];
  const ended: string[] = [];
  const renderer = {
    progress: (u: ProgressUpdate) => updates.push(u),
    progressEnd: (id: string) => ended.push(id),
  } as unknown as Renderer;
  return { renderer, updates, ended };
}

describe("watchReply", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("tells the renderer each second how long the reply has shown nothing, and what it waits for", () => {
    const { renderer, updates, ended } = recorder();
    const wait = watchReply(renderer);
    vi.advanceTimersByTime(2000);
    expect(updates.map((u) => [u.name, Math.round(u.elapsedMs / 1000)])).toEqual([
      ["waiting for the model's reply", 1],
      ["waiting for the model's reply", 2],
    ]);
    expect(updates.every((u) => u.tick && u.id === "reply")).toBe(true);
    // Text shown starts the clock again: the renderer shows nothing under a second.
    vi.advanceTimersByTime(500);
    wait.shown();
    vi.advanceTimersByTime(500);
    expect(updates.at(-1)?.elapsedMs).toBeLessThan(1000);
    // A tool call begins: the wait is for its input now.
    wait.writing("file__write_file");
    vi.advanceTimersByTime(2000);
    expect(updates.at(-1)?.name).toBe("the model is writing its file__write_file call");
    expect(Math.round((updates.at(-1)?.elapsedMs ?? 0) / 1000)).toBe(2);
    const told = updates.length;
    wait.stop();
    expect(ended).toEqual(["reply"]);
    vi.advanceTimersByTime(3000);
    expect(updates).toHaveLength(told);
  });
});
