import { describe, expect, it } from "vitest";
import type { Consent } from "../src/permissions.js";
import { ConsentQueue } from "../src/tool-consent.js";

/** A person at the terminal: each question waits until `answer` is called for it. */
function person() {
  const asked: string[] = [];
  const pending: ((consent: Consent) => void)[] = [];
  return {
    asked,
    confirm: (question: string) =>
      new Promise<Consent>((resolve) => {
        asked.push(question);
        pending.push(resolve);
      }),
    answer: (consent: Consent) => pending.shift()?.(consent),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("ConsentQueue", () => {
  it("asks one question at a time, even for calls made together", async () => {
    const user = person();
    const queue = new ConsentQueue(user.confirm, () => {});
    const first = queue.allows("fs__write", () => "write a?");
    const second = queue.allows("fs__delete", () => "delete b?");
    await settle();
    expect(user.asked).toEqual(["write a?"]);
    user.answer("yes");
    await settle();
    expect(user.asked).toEqual(["write a?", "delete b?"]);
    user.answer("no");
    expect([await first, await second]).toEqual([true, false]);
  });

  it("after always, runs that tool's calls without asking, a call already queued included, and says so once", async () => {
    const user = person();
    const notices: string[] = [];
    const queue = new ConsentQueue(user.confirm, (m) => notices.push(m));
    const first = queue.allows("fs__write", () => "write a?");
    const queued = queue.allows("fs__write", () => "write b?");
    const other = queue.allows("fs__delete", () => "delete c?");
    await settle();
    user.answer("always");
    await settle();
    expect(user.asked).toEqual(["write a?", "delete c?"]);
    user.answer("no");
    expect([await first, await queued, await other]).toEqual([true, true, false]);
    expect(await queue.allows("fs__write", () => "write d?")).toBe(true);
    expect(notices).toEqual(["fs__write is allowed without asking for the rest of this run"]);
  });

  it("without a terminal to ask on, a call is not allowed and no question is built", async () => {
    const queue = new ConsentQueue(undefined, () => {});
    let built = false;
    const allowed = await queue.allows("fs__write", () => {
      built = true;
      return "write a?";
    });
    expect([allowed, built]).toEqual([false, false]);
  });
});
