import type { MessageParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { describe, expect, it } from "vitest";
import { ContextGauge } from "../src/context-gauge.js";

const say = (role: "user" | "assistant", text: string): MessageParam => ({ role, content: text });

describe("ContextGauge", () => {
  it("takes the maximum a refusal said over the Models API's", () => {
    const gauge = new ContextGauge();
    expect(gauge.limit).toBeUndefined();
    gauge.list(1_000_000);
    expect(gauge.limit).toBe(1_000_000);
    gauge.learn(200_000);
    gauge.list(1_000_000);
    expect(gauge.limit).toBe(200_000);
  });

  it("leaves a prompt the window less the reply's max_tokens, and nothing to go by when max_tokens fills it", () => {
    const gauge = new ContextGauge();
    expect(gauge.room(16_000)).toBeUndefined();
    gauge.list(200_000);
    expect(gauge.room(36_096)).toBe(163_904);
    gauge.learn(10_000);
    expect(gauge.room(1000)).toBe(9000);
    expect(gauge.room(10_000)).toBeUndefined();
  });

  it("knows when max_tokens fill the window a refusal said, not a listed one (a gateway's figure may be wrong)", () => {
    const gauge = new ContextGauge();
    expect(gauge.filledBy(200_000)).toBeUndefined();
    gauge.list(200_000);
    expect(gauge.filledBy(200_000)).toBeUndefined();
    gauge.learn(10_000);
    expect(gauge.filledBy(10_000)).toBe(10_000);
    expect(gauge.filledBy(12_096)).toBe(10_000);
    expect(gauge.filledBy(9000)).toBeUndefined();
  });

  it.each([
    ["before", true],
    ["after", false],
  ])("ignores a listed maximum smaller than a prompt the API took (the listing %s the reply)", (_, first) => {
    const gauge = new ContextGauge();
    if (first) gauge.list(1000);
    gauge.replied(3600, 1);
    if (!first) gauge.list(1000);
    expect(gauge.limit).toBeUndefined();
    gauge.list(200_000);
    expect(gauge.limit).toBe(200_000);
  });

  it("estimates the next request as the last measured prompt plus what was added since", () => {
    const gauge = new ContextGauge();
    const messages = [say("user", "first")];
    expect(gauge.estimate(messages)).toBeUndefined();
    gauge.replied(5000, messages.length);
    messages.push(say("assistant", "a".repeat(400)), say("user", "b".repeat(400)));
    const added = gauge.estimate(messages) ?? 0;
    // 800 ASCII characters and the JSON around them, at 4 a token.
    expect(added - 5000).toBeGreaterThanOrEqual(200);
    expect(added - 5000).toBeLessThan(250);
  });

  it("estimates nothing once the history was shortened or cleared", () => {
    const gauge = new ContextGauge();
    const messages = [say("user", "1"), say("assistant", "2"), say("user", "3")];
    gauge.replied(5000, 3);
    expect(gauge.estimate(messages.slice(0, 1))).toBeUndefined();
    gauge.forget();
    expect(gauge.estimate(messages)).toBeUndefined();
  });
});
