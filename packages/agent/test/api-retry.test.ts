import { describe, expect, it } from "vitest";
import { longWaitText, overlongAsk, sdkRetry, waitText } from "../src/api-retry.js";

const NOW = Date.parse("2026-12-04T10:00:00Z");
const h = (headers: Record<string, string> = {}) => new Headers(headers);

describe("sdkRetry: the retry the SDK makes, and its wait", () => {
  it.each([
    ["529, no headers: the first backoff", 529, {}, 0, { what: "overloaded (529)", minMs: 375, maxMs: 500 }],
    ["500, third retry: 2 s less jitter", 500, {}, 2, { what: "server error (500)", minMs: 1500, maxMs: 2000 }],
    ["408", 408, {}, 0, { what: "request timeout (408)", minMs: 375, maxMs: 500 }],
    ["409", 409, {}, 0, { what: "conflict (409)", minMs: 375, maxMs: 500 }],
    [
      "429 with retry-after seconds",
      429,
      { "retry-after": "3" },
      0,
      { what: "rate limited (429)", minMs: 3000, maxMs: 3000 },
    ],
    [
      "retry-after-ms before retry-after",
      429,
      { "retry-after-ms": "250", "retry-after": "9" },
      0,
      { what: "rate limited (429)", minMs: 250, maxMs: 250 },
    ],
    [
      "retry-after-ms of 0 gives way to retry-after",
      429,
      { "retry-after-ms": "0", "retry-after": "2" },
      0,
      { what: "rate limited (429)", minMs: 2000, maxMs: 2000 },
    ],
    [
      "retry-after as an HTTP date",
      429,
      { "retry-after": "Fri, 04 Dec 2026 10:00:05 GMT" },
      0,
      { what: "rate limited (429)", minMs: 5000, maxMs: 5000 },
    ],
    [
      "a date in the past: backoff",
      429,
      { "retry-after": "Fri, 04 Dec 2026 09:00:00 GMT" },
      1,
      { what: "rate limited (429)", minMs: 750, maxMs: 1000 },
    ],
    [
      "unparseable retry-after: backoff",
      529,
      { "retry-after": "soon" },
      0,
      { what: "overloaded (529)", minMs: 375, maxMs: 500 },
    ],
    [
      "x-should-retry: true on a 400",
      400,
      { "x-should-retry": "true" },
      0,
      { what: "error (400)", minMs: 375, maxMs: 500 },
    ],
    ["a 429 asking for 61 s: no retry, the request ends", 429, { "retry-after": "61" }, 0, undefined],
    [
      "a 429 asking for exactly 60 s",
      429,
      { "retry-after": "60" },
      0,
      { what: "rate limited (429)", minMs: 60_000, maxMs: 60_000 },
    ],
    ["x-should-retry: false on a 529", 529, { "x-should-retry": "false" }, 0, undefined],
    ["a 400", 400, {}, 0, undefined],
    ["a 401", 401, {}, 0, undefined],
    ["a 200", 200, {}, 0, undefined],
    ["no retries left", 529, {}, 3, undefined],
  ])("%s", (_, status, headers, attempt, retry) => {
    expect(sdkRetry(status, h(headers), attempt, 3, NOW)).toEqual(retry);
  });

  it.each([
    ["a 429 asking for an hour", 429, { "retry-after": "3600" }, 3_600_000],
    ["retry-after-ms over 60 s", 503, { "retry-after-ms": "60001" }, 60_001],
    ["an HTTP date two hours on", 529, { "retry-after": "Fri, 04 Dec 2026 12:00:00 GMT" }, 7_200_000],
    ["an ask of 60 s: taken", 429, { "retry-after": "60" }, undefined],
    ["no ask", 429, {}, undefined],
    ["a 200 with a long ask", 200, { "retry-after": "3600" }, undefined],
  ])("overlongAsk: %s", (_, status, headers, asked) => {
    expect(overlongAsk(status, h(headers), NOW)).toBe(asked);
  });

  it.each([
    [61_000, "61 s"],
    [119_001, "120 s"],
    [3_600_000, "60 min"],
    [7_200_000, "2 h"],
    [86_400_000, "24 h"],
  ])("longWaitText(%i) is %s", (ms, text) => {
    expect(longWaitText(ms)).toBe(text);
  });

  it("caps the backoff at 8 s however many retries were made", () => {
    expect(sdkRetry(503, h(), 9, 10, NOW)).toEqual({ what: "server error (503)", minMs: 6000, maxMs: 8000 });
  });

  it.each([
    [{ minMs: 250, maxMs: 250 }, "250 ms"],
    [{ minMs: 3000, maxMs: 3000 }, "3 s"],
    [{ minMs: 2500, maxMs: 2500 }, "2.5 s"],
    [{ minMs: 375, maxMs: 500 }, "375–500 ms"],
    [{ minMs: 1500, maxMs: 2000 }, "1.5–2 s"],
  ])("waitText(%o) is %s", (wait, text) => {
    expect(waitText(wait)).toBe(text);
  });
});
