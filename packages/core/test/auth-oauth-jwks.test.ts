import { describe, expect, it } from "vitest";
import { HELD_KEYS_MAX_AGE_MS, heldKeys, standingFailureFetch } from "../src/auth-oauth-jwks.js";

/** A fetch answering from a script, one entry per request (a status, or an error to throw), counting requests. */
function scripted(answers: (number | Error)[]) {
  let asked = 0;
  const fetchImpl = (async () => {
    const answer = answers[asked++];
    if (answer instanceof Error) throw answer;
    return new Response(answer === 200 ? '{"keys":[]}' : null, { status: answer });
  }) as unknown as typeof fetch;
  return { fetchImpl, asked: () => asked };
}

describe("standingFailureFetch", () => {
  it.each<[string, number | Error]>([
    ["an HTTP error", 503],
    ["a network failure", new TypeError("fetch failed")],
  ])("answers as %s did, without asking, until the pause is over", async (_, failure) => {
    let now = 0;
    const { fetchImpl, asked } = scripted([failure, 200]);
    const get = standingFailureFetch(5000, fetchImpl, () => now);
    const first = await get("http://issuer/jwks").then(
      (r) => r.status,
      (e: Error) => e.message,
    );
    now = 4999;
    const again = await get("http://issuer/jwks").then(
      (r) => r.status,
      (e: Error) => e.message,
    );
    expect(again).toBe(first);
    expect(asked()).toBe(1);
    now = 5000;
    expect((await get("http://issuer/jwks")).status).toBe(200);
    expect(asked()).toBe(2);
  });

  it("asks every time while the keys come", async () => {
    const { fetchImpl, asked } = scripted([200, 200]);
    const get = standingFailureFetch(5000, fetchImpl, () => 0);
    await get("http://issuer/jwks");
    await get("http://issuer/jwks");
    expect(asked()).toBe(2);
  });
});

describe("heldKeys", () => {
  it.each<[string, number | undefined, boolean]>([
    ["fetched just now", 0, true],
    ["fetched a minute short of the hour", HELD_KEYS_MAX_AGE_MS - 60_000, true],
    ["fetched longer ago than the hour", HELD_KEYS_MAX_AGE_MS + 1, false],
    ["never fetched", undefined, false],
  ])("keys %s: held %s", (_, msAgo, held) => {
    const cache = msAgo === undefined ? {} : { jwks: { keys: [] }, uat: Date.now() - msAgo };
    expect(heldKeys(cache) !== undefined).toBe(held);
  });
});
