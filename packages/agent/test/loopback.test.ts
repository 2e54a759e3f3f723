import { describe, expect, it } from "vitest";
import { callbackVerdict, listenForCallback } from "../src/loopback.js";

describe("callbackVerdict: what the redirect brought back", () => {
  it.each([
    ["code=abc&state=s1&iss=https%3A%2F%2Fas.example", { ok: true, code: "abc", iss: "https://as.example" }],
    ["code=abc&state=s1", { ok: true, code: "abc", iss: undefined }],
    [
      "error=access_denied&error_description=The+user+said+no&state=s1",
      { ok: false, reason: "the authorization server said access_denied: The user said no" },
    ],
    ["error=access_denied", { ok: false, reason: "the redirect did not carry this login's state" }],
    [
      "error=x&error_description=Run+this&state=other",
      { ok: false, reason: "the redirect did not carry this login's state" },
    ],
    ["code=abc&state=other", { ok: false, reason: "the redirect did not carry this login's state" }],
    ["code=abc", { ok: false, reason: "the redirect did not carry this login's state" }],
    ["state=s1", { ok: false, reason: "the redirect carried no authorization code" }],
    ["code=&state=s1", { ok: false, reason: "the redirect carried no authorization code" }],
  ])("%s", (query, verdict) => {
    expect(callbackVerdict(new URLSearchParams(query), "s1")).toEqual(verdict);
  });
});

describe("listenForCallback", () => {
  it("answers the browser on 127.0.0.1 and hands over the first redirect's verdict; other paths get 404", async () => {
    const loopback = await listenForCallback(0, "--login x", () => "s");
    try {
      expect(loopback.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      expect((await fetch(new URL("/other", loopback.url))).status).toBe(404);
      const page = await fetch(`${loopback.url}?code=c&state=s`);
      expect(page.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await page.text()).toBe("Logged in. You can close this tab.");
      expect(await loopback.next(10_000, undefined)).toEqual({ ok: true, code: "c", iss: undefined });
    } finally {
      loopback.close();
    }
  });

  it.each([
    "error=access_denied&error_description=Visit+evil.example",
    "code=c&state=forged",
    "error=server_error&state=forged",
  ])("a redirect without this login's state (%s) is refused, and the login waits for the real one", async (query) => {
    const loopback = await listenForCallback(0, "--login x", () => "s");
    try {
      const forged = await fetch(`${loopback.url}?${query}`);
      expect(forged.status).toBe(400);
      expect(forged.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await forged.text()).toBe(
        "Not this login's redirect: the redirect did not carry this login's state. The login is still waiting.",
      );
      const waiting = loopback.next(10_000, undefined);
      expect((await fetch(`${loopback.url}?code=real&state=s`)).status).toBe(200);
      expect(await waiting).toEqual({ ok: true, code: "real", iss: undefined });
    } finally {
      loopback.close();
    }
  });

  it.each([
    ["error=access_denied&state=s", "the authorization server said access_denied"],
    ["state=s", "the redirect carried no authorization code"],
  ])("a failed login (%s) is a failure on the page too, saying why", async (query, reason) => {
    const loopback = await listenForCallback(0, "--login x", () => "s");
    try {
      const page = await fetch(`${loopback.url}?${query}`);
      expect(page.status).toBe(400);
      expect(await page.text()).toBe(`Login failed: ${reason}. Return to the terminal and run the login again.`);
      expect(await loopback.next(10_000, undefined)).toEqual({ ok: false, reason });
    } finally {
      loopback.close();
    }
  });

  it("gives up in one line when the login is interrupted, and refuses a port in use", async () => {
    const first = await listenForCallback(0, "--login x", () => "s");
    try {
      const controller = new AbortController();
      const waiting = first.next(60_000, controller.signal);
      controller.abort();
      await expect(waiting).rejects.toThrow("--login x: interrupted");
      const port = Number(new URL(first.url).port);
      await expect(listenForCallback(port, "--login y", () => "s")).rejects.toThrow(
        `--login y: cannot listen on 127.0.0.1:${port} for the redirect (EADDRINUSE); another program is using it: stop that, or change oauth.callbackPort in the servers file (and the redirect URI registered for the client)`,
      );
    } finally {
      first.close();
    }
  });
});
