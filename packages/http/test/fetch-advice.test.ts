import { describe, expect, it } from "vitest";
import { brokenAdvice, stoppedAdvice, timeoutAdvice } from "../src/fetch-advice.js";

describe("timeoutAdvice", () => {
  it.each([
    ["connecting", "check the host and port"],
    ["waiting for response headers", "the server had not begun to answer"],
    ["reading the response body", "ask for less"],
    ["waiting for the rate limit", "try again later"],
    ["waiting 2000 ms to retry", "try again later"],
  ])("after %s: %s", (phase, advice) => {
    expect(timeoutAdvice(phase)).toContain(advice);
    if (phase !== "reading the response body") expect(timeoutAdvice(phase)).not.toContain("ask for less");
  });

  it.each(["POST", "PATCH"])("never tells a %s that may have been received to simply try again", (method) => {
    const advice = timeoutAdvice("waiting for response headers", method);
    expect(advice).toBe(
      `the server had not begun to answer: it may be slow or stuck (or, with more than 16 calls to one host at once, this one waited its turn here), and may have received the ${method} and be acting on it all the same: check its effect (GET what it would change) before sending it again`,
    );
    expect(advice).not.toContain("try again later");
  });
});

describe("a request sent with an Idempotency-Key", () => {
  const keyed =
    "send it again with the same Idempotency-Key, which an API that honours the key answers with the first outcome rather than acting twice (with one that does not, check its effect first: GET what it would change)";
  it.each([
    ["a broken connection", brokenAdvice("POST", "waiting for response headers", true)],
    ["a stop", stoppedAdvice("PATCH", "reading the response body", true)],
    ["a timeout", timeoutAdvice("waiting for response headers", "POST", true)],
  ])("is told after %s that the same key makes sending it again safe", (_what, advice) => {
    expect(advice).toContain(keyed);
  });

  it("changes nothing for an idempotent method or a request never sent", () => {
    expect(brokenAdvice("PUT", "waiting for response headers", true)).toBe("calling again may work");
    expect(stoppedAdvice("POST", "connecting", true)).toBe("it was not sent: call again (another instance may answer)");
  });
});
