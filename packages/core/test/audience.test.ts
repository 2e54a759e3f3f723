import { describe, expect, it } from "vitest";
import { AudienceSignal } from "../src/audience.js";

describe("AudienceSignal", () => {
  it("answers listening() from its owner's count, and tells each watcher when told it changed", () => {
    let open = 0;
    const audience = new AudienceSignal(() => open > 0);
    const seen: boolean[] = [];
    audience.onChange(() => seen.push(audience.listening()));
    expect(audience.listening()).toBe(false);
    open = 1;
    audience.changed();
    open = 0;
    audience.changed();
    expect(seen).toEqual([true, false]);
  });

  it("stops telling a watcher that unsubscribed, even one that does so while being told", () => {
    const audience = new AudienceSignal(() => true);
    let first = 0;
    let second = 0;
    const stopFirst = audience.onChange(() => {
      first++;
      stopFirst();
    });
    const stopSecond = audience.onChange(() => second++);
    audience.changed();
    audience.changed();
    stopSecond();
    audience.changed();
    expect([first, second]).toEqual([1, 2]);
  });
});
