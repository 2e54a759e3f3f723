import { describe, expect, it } from "vitest";
import { refreshOnce, refreshTokenIn, secondsLeft } from "../src/token-refresh.js";
import type { StoredLogin } from "../src/token-store.js";

const URL_ = "http://127.0.0.1:1/token";
const body = (refresh: string) =>
  new URLSearchParams({ grant_type: "refresh_token", refresh_token: refresh }).toString();

/** A token endpoint that answers `reply` and records the refresh token each request sent. */
function endpoint(reply: () => Response) {
  const sent: string[] = [];
  const fetchFn = (async (_input: unknown, init?: RequestInit) => {
    sent.push(new URLSearchParams(String(init?.body)).get("refresh_token") ?? "");
    return reply();
  }) as typeof fetch;
  return { sent, fetchFn };
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

const login = (refresh: string, savedAgoS: number, expiresIn = 3600): StoredLogin => ({
  serverUrl: "http://127.0.0.1:2/mcp",
  tokens: {
    access_token: `at-${refresh}`,
    token_type: "Bearer",
    expires_in: expiresIn,
    refresh_token: refresh,
    issuer: "http://127.0.0.1:3",
  },
  savedAt: Date.now() - savedAgoS * 1000,
});

describe("refreshOnce", () => {
  it("the file still holds the refresh token sent: the refresh goes out, and its tokens come back to store", async () => {
    const { sent, fetchFn } = endpoint(() =>
      json({ access_token: "at-r2", token_type: "Bearer", expires_in: 3600, refresh_token: "r2" }),
    );
    const refresh = await refreshOnce(login("r1", 4000), "r1", URL_, { method: "POST", body: body("r1") }, fetchFn);
    expect(sent).toEqual(["r1"]);
    expect(refresh.sent).toBe("r1");
    expect(refresh.tokens).toEqual({
      access_token: "at-r2",
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: "r2",
      issuer: "http://127.0.0.1:3",
    });
    // The SDK still reads the answer itself.
    expect(((await refresh.response.json()) as { access_token: string }).access_token).toBe("at-r2");
  });

  it("another session refreshed meanwhile: its tokens are the answer, with the seconds they have left, and nothing goes out", async () => {
    const { sent, fetchFn } = endpoint(() => json({}, 500));
    const refresh = await refreshOnce(login("r2", 100), "r1", URL_, { method: "POST", body: body("r1") }, fetchFn);
    expect(sent).toEqual([]);
    expect(refresh.tokens).toBeUndefined();
    expect(refresh.sent).toBeUndefined();
    const answer = (await refresh.response.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ access_token: "at-r2", refresh_token: "r2", token_type: "Bearer" });
    expect(answer.expires_in).toBeGreaterThan(3400);
    expect(answer.expires_in).toBeLessThanOrEqual(3500);
    expect(answer).not.toHaveProperty("issuer");
  });

  it("another session's tokens are about to expire: the refresh goes out with its newer refresh token", async () => {
    const { sent, fetchFn } = endpoint(() =>
      json({ access_token: "at-r3", token_type: "Bearer", refresh_token: "r3" }),
    );
    const refresh = await refreshOnce(login("r2", 3590), "r1", URL_, { method: "POST", body: body("r1") }, fetchFn);
    expect(sent).toEqual(["r2"]);
    expect(refresh.sent).toBe("r2");
    expect(refresh.tokens?.refresh_token).toBe("r3");
  });

  it("a provider that does not rotate: the refresh token sent is kept", async () => {
    const { fetchFn } = endpoint(() => json({ access_token: "at-x", token_type: "Bearer", expires_in: 60 }));
    const refresh = await refreshOnce(login("r1", 4000), "r1", URL_, { method: "POST", body: body("r1") }, fetchFn);
    expect(refresh.tokens?.refresh_token).toBe("r1");
  });

  it.each([
    ["a refusal", () => json({ error: "invalid_grant" }, 400)],
    ["a 200 without tokens", () => json({ error: "odd" })],
    ["a 200 that is not JSON", () => new Response("<html>", { status: 200 })],
  ])("%s: nothing to store, and the answer goes to the SDK as it came", async (_, reply) => {
    const { fetchFn } = endpoint(reply);
    const refresh = await refreshOnce(login("r1", 4000), "r1", URL_, { method: "POST", body: body("r1") }, fetchFn);
    expect(refresh.tokens).toBeUndefined();
    expect(refresh.response.status).toBe(reply().status);
  });
});

describe("secondsLeft", () => {
  const savedAt = 1_000_000;
  const tokens = { access_token: "a", token_type: "Bearer" };
  it.each([
    [
      "saved 100 s ago, 3600 s to live",
      { serverUrl: "u", tokens: { ...tokens, expires_in: 3600 }, savedAt },
      100,
      3500,
    ],
    ["expired 400 s ago", { serverUrl: "u", tokens: { ...tokens, expires_in: 3600 }, savedAt }, 4000, -400],
    ["no expires_in", { serverUrl: "u", tokens, savedAt }, 100, undefined],
    ["not known when saved", { serverUrl: "u", tokens: { ...tokens, expires_in: 60 } }, 100, undefined],
  ])("%s", (_, stored, agoS, expected) => {
    expect(secondsLeft(stored as StoredLogin, savedAt + agoS * 1000)).toBe(expected);
  });
});

describe("refreshTokenIn", () => {
  it.each([
    ["grant_type=refresh_token&refresh_token=r1&client_id=c", "r1"],
    [new URLSearchParams({ grant_type: "refresh_token", refresh_token: "r2" }), "r2"],
    [new URLSearchParams({ grant_type: "authorization_code", code: "x", refresh_token: "r3" }), undefined],
    ["refresh_token=r4", undefined],
    [undefined, undefined],
    [new Uint8Array([1, 2]), undefined],
  ])("refreshTokenIn(%s) is %s", (body, sent) => {
    expect(refreshTokenIn(body)).toBe(sent);
  });
});
