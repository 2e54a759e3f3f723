import { describe, expect, it } from "vitest";
import { describeRefusal, retryAfterSeconds } from "../src/collector-answers.js";

const NOW = Date.parse("2026-01-01T00:00:00Z");

describe("retryAfterSeconds", () => {
  it.each([
    [undefined, undefined],
    ["30", 30],
    [" 0 ", 0],
    ["Thu, 01 Jan 2026 00:00:45 GMT", 45],
    ["Wed, 31 Dec 2025 23:59:00 GMT", 0],
    ["soon", undefined],
    ["-5", undefined],
  ])("%j is %j seconds", (value, seconds) => {
    expect(retryAfterSeconds(value, NOW)).toBe(seconds);
  });
});

describe("describeRefusal", () => {
  it.each([
    [
      { status: 429, statusText: "Too Many Requests", retryAfterS: 30 },
      "429 Too Many Requests (throttling), asking to retry after 30 s",
    ],
    [{ status: 503, statusText: "Service Unavailable" }, "503 Service Unavailable"],
    [{ status: 502, statusText: "" }, "502"],
  ])("%j reads %j", (answer, line) => {
    expect(describeRefusal({ ...answer, at: 0 })).toBe(line);
  });
});
