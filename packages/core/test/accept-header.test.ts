import { describe, expect, it } from "vitest";
import { widenedAccept } from "../src/accept-header.js";

describe("widenedAccept", () => {
  it.each<[string | undefined, string | undefined]>([
    ["*/*", "*/*, application/json, text/event-stream"],
    ["text/html, */*;q=0.8", "text/html, */*;q=0.8, application/json, text/event-stream"],
    ["application/json, text/event-stream", undefined],
    ["application/json, text/event-stream, */*", undefined],
    ["application/json", undefined],
    ["text/*, application/*", undefined],
    [" */* ;q=0.5", " */* ;q=0.5, application/json, text/event-stream"],
    [undefined, undefined],
  ])("%j → %j", (accept, widened) => {
    expect(widenedAccept(accept)).toBe(widened);
  });
});
