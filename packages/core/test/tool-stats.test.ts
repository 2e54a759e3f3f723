import { describe, expect, it } from "vitest";
import { ToolStats } from "../src/tool-stats.js";

describe("ToolStats", () => {
  it("starts empty, with null percentiles for a tool never called", () => {
    let now = Date.parse("2026-12-01T10:00:00Z");
    const stats = new ToolStats(() => now);
    now += 90_500;
    expect(stats.report()).toEqual({
      started_at: "2026-12-01T10:00:00.000Z",
      uptime_s: 91,
      calls: 0,
      errors: 0,
      tools: {},
      refusals: {},
    });
  });

  it("counts calls, errors and bytes per tool and in total, tools in name order", () => {
    const stats = new ToolStats();
    stats.recordCall("write", 2, "ok", 100);
    stats.recordCall("read", 1, "ok", 10);
    stats.recordCall("read", 1, "refused", 5, "sandbox");
    const report = stats.report();
    expect(Object.keys(report.tools)).toEqual(["read", "write"]);
    expect(report.tools.read).toMatchObject({ calls: 2, errors: 1, bytes: 15 });
    expect(report.tools.write).toMatchObject({ calls: 1, errors: 0, bytes: 100 });
    expect(report).toMatchObject({ calls: 3, errors: 1, refusals: { sandbox: 1 } });
  });

  it("counts a call its client cancelled, but not as an error, whatever the tool answered", () => {
    const stats = new ToolStats();
    stats.recordCall("search", 40, "cancelled", 120);
    stats.recordCall("search", 3, "error", 80);
    // Stopped by its time limit as the client cancelled it: cancelled, so not a refusal either.
    stats.recordCall("search", 50, "cancelled", 90, "timeout");
    expect(stats.report().tools.search).toMatchObject({ calls: 3, errors: 1, bytes: 290 });
    expect(stats.report().refusals).toEqual({});
  });

  it("reads p50 and p95 to within 9% over a wide range of durations", () => {
    const stats = new ToolStats();
    // 1..1000 ms, one call each: p50 is 500 ms, p95 is 950 ms.
    for (let ms = 1; ms <= 1000; ms++) stats.recordCall("t", ms, "ok", 0);
    const { p50_ms, p95_ms } = stats.report().tools.t ?? {};
    expect(p50_ms).toBeGreaterThanOrEqual(500);
    expect(p50_ms).toBeLessThanOrEqual(500 * 1.09);
    expect(p95_ms).toBeGreaterThanOrEqual(950);
    expect(p95_ms).toBeLessThanOrEqual(950 * 1.09);
  });

  it.each([
    [0, 0.01],
    [0.004, 0.01],
    [86_400_000, null],
  ])("keeps an extreme duration (%s ms) in its end bucket", (ms, atMost) => {
    const stats = new ToolStats();
    stats.recordCall("t", ms, "ok", 0);
    const p50 = stats.report().tools.t?.p50_ms ?? Number.NaN;
    if (atMost === null) expect(p50).toBeGreaterThan(3_600_000);
    else expect(p50).toBeLessThanOrEqual(atMost);
  });

  it("counts refusals before any tool ran by cause, sorted", () => {
    const stats = new ToolStats();
    stats.recordRefusal("rate_limited");
    stats.recordRefusal("unauthorized");
    stats.recordRefusal("rate_limited");
    expect(stats.report().refusals).toEqual({ rate_limited: 2, unauthorized: 1 });
    expect(JSON.stringify(stats.report().refusals)).toBe('{"rate_limited":2,"unauthorized":1}');
  });

  it("keeps fixed memory however many calls it records", () => {
    const stats = new ToolStats();
    for (let i = 0; i < 100_000; i++) stats.recordCall("t", (i % 977) + 0.5, i % 10 === 0 ? "error" : "ok", 1);
    const t = stats.report().tools.t;
    expect(t).toMatchObject({ calls: 100_000, errors: 10_000, bytes: 100_000 });
    expect(JSON.stringify(stats.report()).length).toBeLessThan(400);
  });

  it("says whether anything listens, so that how a call came is worked out only for a listener", () => {
    const stats = new ToolStats();
    expect(stats.listened).toBe(false);
    const vias: unknown[] = [];
    const unsubscribe = stats.subscribe({ call: (_tool, _ms, _outcome, _bytes, via) => vias.push(via) });
    expect(stats.listened).toBe(true);
    stats.recordCall("t", 1, "ok", 10, undefined, { protocolVersion: "2025-11-25", transport: "pipe" });
    expect(vias).toEqual([{ protocolVersion: "2025-11-25", transport: "pipe" }]);
    unsubscribe();
    expect(stats.listened).toBe(false);
  });
});
