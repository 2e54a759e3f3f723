import { describe, expect, it } from "vitest";
import { idleWatch, StreamStalled } from "../src/stream-idle.js";

describe("idleWatch", () => {
  it("aborts with StreamStalled once nothing resets it, and not after stop", async () => {
    const watch = idleWatch(20);
    watch.reset();
    await new Promise((r) => watch.signal.addEventListener("abort", r, { once: true }));
    expect(watch.signal.reason).toBeInstanceOf(StreamStalled);
    const stopped = idleWatch(20);
    stopped.reset();
    stopped.stop();
    await new Promise((r) => setTimeout(r, 60));
    expect(stopped.signal.aborted).toBe(false);
  });

  it.each([
    [300, "the Messages API sent nothing for 300 ms in the middle of its reply; try again"],
    [180_000, "the Messages API sent nothing for 180 s in the middle of its reply; try again"],
  ])("after %i ms says: %s", (ms, words) => {
    expect(new StreamStalled(ms).message).toBe(words);
  });
});
