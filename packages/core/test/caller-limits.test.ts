import { describe, expect, it } from "vitest";
import { type Admission, type CallerLimitSettings, CallerLimits, STREAMS_PER_CALLER } from "../src/caller-limits.js";

/** Limits on a clock the test moves by hand. */
function limits(settings: CallerLimitSettings) {
  const clock = { now: 0 };
  return { clock, limits: new CallerLimits(settings, () => clock.now) };
}

/** The refusal, failing the test if the admission was granted. */
function refusal(admission: Admission): { retryAfterS?: number; reason: string } {
  if (admission.ok) throw new Error("expected a refusal, got an admission");
  return admission;
}

/** The release of an admission, failing the test if it was refused. */
function granted(admission: Admission): () => void {
  if (!admission.ok) throw new Error(`expected an admission, got a refusal: ${admission.reason}`);
  return admission.release;
}

describe("CallerLimits.active", () => {
  it.each<[string, CallerLimitSettings, boolean]>([
    ["no settings", {}, false],
    ["a null rate", { rate: null }, false],
    ["a rate", { rate: { perSecond: 1, burst: 1 } }, true],
    ["a concurrency cap", { maxConcurrent: 4 }, true],
    ["both", { rate: { perSecond: 1, burst: 1 }, maxConcurrent: 4 }, true],
  ])("is %s → %s", (_, settings, active) => {
    expect(new CallerLimits(settings).active).toBe(active);
  });
});

describe("CallerLimits without limits", () => {
  it("admits any number of calls and batches", () => {
    const { limits: l } = limits({});
    for (let i = 0; i < 1000; i++) expect(l.admit("a").ok).toBe(true);
    expect(l.admit("a", 10_000).ok).toBe(true);
  });
});

describe("CallerLimits rate", () => {
  it("admits a burst, then refuses with Retry-After and a reason naming the setting (a library's limits.rate)", () => {
    const { limits: l } = limits({ rate: { perSecond: 2, burst: 3 } });
    for (let i = 0; i < 3; i++) expect(l.admit("a").ok).toBe(true);
    expect(refusal(l.admit("a"))).toEqual({
      ok: false,
      retryAfterS: 1,
      reason: "this caller is limited to 120/min with bursts of 3 (limits.rate); send it again in 1 s",
    });
  });

  it.each([
    [{ perSecond: 2, burst: 2 }, "120/min with bursts of 2"],
    [{ perSecond: 0.5, burst: 1 }, "30/min with bursts of 1"],
    [{ perSecond: 1 / 60, burst: 1 }, "1/min with bursts of 1"],
    [{ perSecond: 1 / 7, burst: 5 }, "8.571/min with bursts of 5"],
    [{ perSecond: 1 / 3600, burst: 1 }, "1/h with bursts of 1"],
    [{ perSecond: 2.5, burst: 5 }, "150/min with bursts of 5"],
    [{ perSecond: 1.001, burst: 5 }, "1.001/s with bursts of 5"],
  ])("describes %j as %s", (rate, text) => {
    const { limits: l } = limits({ rate });
    while (l.admit("a").ok);
    expect(refusal(l.admit("a")).reason).toMatch(`this caller is limited to ${text} (limits.rate); send it again in `);
  });

  it.each([
    ["2/s", { perSecond: 2, burst: 1 }, 1],
    ["1/s", { perSecond: 1, burst: 1 }, 1],
    ["1 every 2.5 s", { perSecond: 0.4, burst: 1 }, 3],
    ["1/min", { perSecond: 1 / 60, burst: 1 }, 60],
  ])("at %s (%j), says to retry after %i s: whole seconds, at least 1", (_, rate, seconds) => {
    const { limits: l } = limits({ rate });
    expect(l.admit("a").ok).toBe(true);
    expect(refusal(l.admit("a")).retryAfterS).toBe(seconds);
  });

  it("refills over time, no more than the burst", () => {
    const { clock, limits: l } = limits({ rate: { perSecond: 2, burst: 3 } });
    for (let i = 0; i < 3; i++) granted(l.admit("a"));
    expect(l.admit("a").ok).toBe(false);
    clock.now = 499;
    expect(l.admit("a").ok).toBe(false);
    clock.now = 500;
    expect(l.admit("a").ok).toBe(true);
    expect(l.admit("a").ok).toBe(false);
    // An hour idle fills the bucket to the burst only.
    clock.now = 3_600_000;
    for (let i = 0; i < 3; i++) expect(l.admit("a").ok).toBe(true);
    expect(l.admit("a").ok).toBe(false);
  });

  it("does not charge refused calls: retrying early does not push the next admission back", () => {
    const { clock, limits: l } = limits({ rate: { perSecond: 1, burst: 1 } });
    granted(l.admit("a"));
    for (let i = 0; i < 10; i++) expect(refusal(l.admit("a")).retryAfterS).toBe(1);
    clock.now = 1000;
    expect(l.admit("a").ok).toBe(true);
  });

  it("keeps each caller's bucket apart", () => {
    const { limits: l } = limits({ rate: { perSecond: 1, burst: 2 } });
    granted(l.admit("a"));
    granted(l.admit("a"));
    expect(l.admit("a").ok).toBe(false);
    expect(l.admit("b").ok).toBe(true);
    expect(l.admit("b").ok).toBe(true);
    expect(l.admit("b").ok).toBe(false);
    expect(l.admit("a").ok).toBe(false);
  });

  it("counts a batch of N as N calls", () => {
    const { limits: l } = limits({ rate: { perSecond: 1, burst: 4 } });
    expect(l.admit("a", 4).ok).toBe(true);
    expect(l.admit("a").ok).toBe(false);
  });

  it("refuses a batch whole when it does not fit, and gives back what it took", () => {
    const { clock, limits: l } = limits({ rate: { perSecond: 1, burst: 5 } });
    expect(l.admit("a", 3).ok).toBe(true);
    // Two tokens left: a batch of three is refused, and takes none of them.
    expect(refusal(l.admit("a", 3))).toMatchObject({ retryAfterS: 1, reason: expect.stringMatching(/limits\.rate/) });
    expect(l.admit("a", 2).ok).toBe(true);
    expect(l.admit("a").ok).toBe(false);
    clock.now = 3000;
    expect(l.admit("a", 3).ok).toBe(true);
    expect(l.admit("a").ok).toBe(false);
  });

  it("refuses a batch larger than the burst saying so, as waiting would not help", () => {
    const { clock, limits: l } = limits({ rate: { perSecond: 1, burst: 2 } });
    // No Retry-After: no wait lets it through.
    expect(refusal(l.admit("a", 3))).toEqual({
      ok: false,
      reason:
        "this batch holds 3 requests, more than the 2 a caller may send at once (limits.rate); send at most 2 per request",
    });
    clock.now = 1_000_000;
    expect(l.admit("a", 3).ok).toBe(false);
    // The refused batch left the bucket full.
    expect(l.admit("a", 2).ok).toBe(true);
  });
});

describe("CallerLimits concurrency", () => {
  it("refuses at once over the cap, with Retry-After 1 and a reason naming the setting (a library's limits.maxConcurrent)", () => {
    const { limits: l } = limits({ maxConcurrent: 2 });
    granted(l.admit("a"));
    granted(l.admit("a"));
    expect(refusal(l.admit("a"))).toEqual({
      ok: false,
      retryAfterS: 1,
      reason:
        "2 calls of this caller are running, and at most 2 may run at once (limits.maxConcurrent); send it again once one has finished",
    });
  });

  it("frees a slot on release", () => {
    const { limits: l } = limits({ maxConcurrent: 2 });
    const first = granted(l.admit("a"));
    granted(l.admit("a"));
    expect(l.admit("a").ok).toBe(false);
    first();
    const third = granted(l.admit("a"));
    expect(l.admit("a").ok).toBe(false);
    third();
    expect(l.admit("a").ok).toBe(true);
  });

  it("takes a second release of the same admission as a no-op", () => {
    const { limits: l } = limits({ maxConcurrent: 2 });
    const first = granted(l.admit("a"));
    granted(l.admit("a"));
    first();
    first();
    granted(l.admit("a"));
    // Two are running (the second and the third): a double release must not have freed another slot.
    expect(refusal(l.admit("a")).reason).toMatch(/^2 calls of this caller are running/);
  });

  it("keeps each caller's running calls apart", () => {
    const { limits: l } = limits({ maxConcurrent: 1 });
    granted(l.admit("a"));
    expect(l.admit("a").ok).toBe(false);
    const b = granted(l.admit("b"));
    expect(l.admit("b").ok).toBe(false);
    b();
    expect(l.admit("a").ok).toBe(false);
    expect(l.admit("b").ok).toBe(true);
  });

  it("counts a batch as N running calls, refused whole, and freed whole on release", () => {
    const { limits: l } = limits({ maxConcurrent: 3 });
    // A batch that could never run is named as such, not as "0 calls are running".
    expect(refusal(l.admit("a", 4))).toEqual({
      ok: false,
      reason:
        "this batch holds 4 requests, more than the 3 one caller may run at once (limits.maxConcurrent); send at most 3 per request",
    });
    const batch = granted(l.admit("a", 3));
    expect(l.admit("a").ok).toBe(false);
    batch();
    expect(l.admit("a", 3).ok).toBe(true);
  });

  it.each([
    [1, "1 call of this caller is running"],
    [2, "2 calls of this caller are running"],
  ])("with %i running, says %j", (running, text) => {
    const { limits: l } = limits({ maxConcurrent: running });
    for (let i = 0; i < running; i++) granted(l.admit("a"));
    expect(refusal(l.admit("a")).reason).toBe(
      `${text}, and at most ${running} may run at once (limits.maxConcurrent); send it again once one has finished`,
    );
  });

  it("charges nothing for a body of notifications, and holds no place for a GET stream", () => {
    const { limits: l } = limits({ rate: { perSecond: 1, burst: 1 }, maxConcurrent: 1 });
    for (let i = 0; i < 5; i++) granted(l.admit("a", 0));
    granted(l.admit("b", 1, false));
    expect(refusal(l.admit("b", 1, false)).reason).toMatch(/limits\.rate/);
    const { limits: capped } = limits({ maxConcurrent: 1 });
    const stream = granted(capped.admit("c", 1, false));
    granted(capped.admit("c"));
    expect(capped.admit("c").ok).toBe(false);
    stream();
  });

  it("does not hold a slot for a call the rate refused", () => {
    const { clock, limits: l } = limits({ rate: { perSecond: 1, burst: 1 }, maxConcurrent: 1 });
    granted(l.admit("a"))();
    expect(refusal(l.admit("a")).reason).toMatch(/limits\.rate/);
    clock.now = 1000;
    expect(l.admit("a").ok).toBe(true);
  });

  it("does not charge the rate for a call the cap refused", () => {
    const { limits: l } = limits({ rate: { perSecond: 1, burst: 2 }, maxConcurrent: 1 });
    const first = granted(l.admit("a"));
    for (let i = 0; i < 5; i++) expect(refusal(l.admit("a")).reason).toMatch(/limits\.maxConcurrent/);
    first();
    granted(l.admit("a"))();
    expect(refusal(l.admit("a")).reason).toMatch(/limits\.rate/);
  });
});

describe("CallerLimits.openStream", () => {
  it("holds up to maxStreams per holder, refuses one more without Retry-After, and frees a place on release (once)", () => {
    const { limits: l } = limits({ maxStreams: 2 });
    const first = granted(l.openStream("ops"));
    granted(l.openStream("ops"));
    expect(l.openStream("ops")).toEqual({
      ok: false,
      reason:
        "2 listen streams of this caller are open, the most one caller may hold (limits.maxStreams); close one it no longer reads before opening another",
    });
    // Another holder has places of its own.
    granted(l.openStream("bob"));
    first();
    first();
    granted(l.openStream("ops"));
    expect(l.openStream("ops").ok).toBe(false);
  });

  it(`holds ${STREAMS_PER_CALLER} by default, and names the setting a bin gave`, () => {
    const { limits: l } = limits({ names: { maxStreams: "--max-streams-per-caller" } });
    for (let i = 0; i < STREAMS_PER_CALLER; i++) granted(l.openStream("ops"));
    expect(refusal(l.openStream("ops")).reason).toContain("(--max-streams-per-caller)");
  });

  it("takes no running place and no token of the rate", () => {
    const { limits: l } = limits({ maxStreams: 1, maxConcurrent: 1, rate: { perSecond: 1, burst: 1 } });
    granted(l.openStream("ops"));
    granted(l.admit("ops"));
  });
});
