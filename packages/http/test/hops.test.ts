import { describe, expect, it } from "vitest";
import { FetchError } from "../src/fetch-errors.js";
import type { FetchRequest } from "../src/fetch-request.js";
import { isRedirect, keepsMethod, leftBehind, locationText, nextHop, retryDelay, shouldRetry } from "../src/hops.js";

describe("retryDelay", () => {
  it.each([
    ["5", 0, 5000],
    [" 0 ", 0, 0],
    [undefined, 0, 1000],
    [undefined, 2, 4000],
    ["garbage", 1, 2000],
    [["7", "9"], 0, 7000],
    [new Date(1_000_000 + 2000).toUTCString(), 0, 2000],
    [new Date(1_000_000 - 5000).toUTCString(), 0, 0],
    ["1.5", 0, 1500],
    ["0.25", 0, 250],
    // Not seconds, not an HTTP-date: the backoff, not an immediate retry.
    ["-1", 1, 2000],
    ["1e3", 0, 1000],
    ["12 Dec", 0, 1000],
  ])("retryDelay(%j, attempt %d) = %d ms", (value, attempt, ms) => {
    expect(retryDelay(value, attempt, 1_000_000)).toBe(ms);
  });
});

describe("shouldRetry", () => {
  it.each([
    ["GET", 503, 0, 2, true],
    ["GET", 429, 1, 2, true],
    ["GET", 429, 2, 2, false],
    ["GET", 500, 0, 2, false],
    ["HEAD", 503, 0, 2, true],
    ["POST", 503, 0, 2, false],
    ["PATCH", 429, 0, 2, false],
  ])("%s answered %d, attempt %d of %d: %s", (method, status, attempt, max, expected) => {
    expect(shouldRetry({ method }, status, attempt, max)).toBe(expected);
  });

  it.each<[string, Record<string, string>, number, number, boolean]>([
    ["POST", { "Idempotency-Key": "k1" }, 429, 0, true],
    ["PATCH", { "idempotency-key": "k1" }, 503, 1, true],
    ["POST", { "Idempotency-Key": "k1" }, 429, 2, false],
    ["POST", { "Idempotency-Key": "k1" }, 500, 0, false],
    ["POST", { "Idempotency-Key": "  " }, 429, 0, false],
    ["POST", { "X-Request-Id": "k1" }, 429, 0, false],
  ])("%s with %j answered %d, attempt %d of 2: %s", (method, headers, status, attempt, expected) => {
    expect(shouldRetry({ method, headers }, status, attempt, 2)).toBe(expected);
  });
});

describe("isRedirect", () => {
  it.each([
    [301, true],
    [308, true],
    [300, false],
    [304, false],
    [200, false],
  ])("%d: %s", (status, expected) => {
    expect(isRedirect(status)).toBe(expected);
  });
});

describe("locationText", () => {
  const asReceived = (text: string) => Buffer.from(text, "utf8").toString("latin1");
  it.each([
    ["raw UTF-8 bytes, read as UTF-8", asReceived("/café"), "/café"],
    ["raw UTF-8 of a CJK path", asReceived("/文書?q=é"), "/文書?q=é"],
    ["ASCII, as it is", "/plain?q=%C3%A9", "/plain?q=%C3%A9"],
    ["Latin-1 bytes that are not UTF-8, as they are", "/caf\xe9", "/caf\xe9"],
  ])("%s", (_, raw, expected) => {
    expect(locationText(raw)).toBe(expected);
  });

  it("leads nextHop to the URL fetch would follow", () => {
    const next = nextHop({ method: "GET", url: new URL("http://a.example/"), headers: {} }, 302, asReceived("/café"));
    expect(next.url.href).toBe("http://a.example/caf%C3%A9");
  });
});

describe("keepsMethod", () => {
  it.each([
    ["DELETE", 301, true],
    ["DELETE", 302, true],
    ["DELETE", 303, false],
    ["DELETE", 307, true],
    ["DELETE", 308, true],
    ["POST", 301, false],
    ["POST", 302, false],
    ["POST", 307, true],
    ["HEAD", 303, true],
    ["PUT", 303, false],
  ])("%s after %i: %s", (method, status, kept) => {
    expect(keepsMethod(method, status)).toBe(kept);
  });
});

describe("nextHop", () => {
  const request = (method: string, headers: Record<string, string> = {}): FetchRequest => ({
    method,
    url: new URL("https://a.example/dir/page?q=1"),
    headers: {
      authorization: "Bearer t",
      cookie: "c=1",
      "content-type": "application/json",
      accept: "*/*",
      ...headers,
    },
    ...(method === "POST" ? { body: "{}" } : {}),
  });

  it.each([
    ["relative, same origin: everything kept", "GET", 302, "other", "https://a.example/dir/other", "GET", true],
    ["another origin: credentials dropped", "GET", 301, "https://b.example/x", "https://b.example/x", "GET", false],
    ["POST after 302 becomes GET", "POST", 302, "/done", "https://a.example/done", "GET", true],
    ["POST after 307 stays POST", "POST", 307, "/again", "https://a.example/again", "POST", true],
    ["PUT after 303 becomes GET", "PUT", 303, "/see", "https://a.example/see", "GET", true],
    ["HEAD after 303 stays HEAD", "HEAD", 303, "/see", "https://a.example/see", "HEAD", true],
  ])("%s", (_, method, status, location, url, nextMethod, credentials) => {
    const next = nextHop(request(method), status, location);
    expect(next.url.href).toBe(url);
    expect(next.method).toBe(nextMethod);
    expect("authorization" in next.headers && "cookie" in next.headers).toBe(credentials);
    expect(next.headers.accept).toBe("*/*");
    if (nextMethod === "GET" && method !== "GET") {
      expect(next.headers["content-type"]).toBeUndefined();
      expect(next.body).toBeUndefined();
    }
  });

  it("drops every header about the body when a POST becomes a GET, and keeps the rest", () => {
    const body = {
      "content-encoding": "identity",
      "content-language": "fr",
      "content-location": "/drafts/1",
      "x-trace": "t1",
    };
    const next = nextHop(request("POST", body), 302, "/done");
    expect(next.headers).toEqual({ authorization: "Bearer t", cookie: "c=1", accept: "*/*", "x-trace": "t1" });
  });

  it.each([
    ["authorization", "Bearer t"],
    ["cookie", "c=1"],
    ["proxy-authorization", "Basic cA=="],
    ["x-api-key", "k1"],
    ["api-key", "k2"],
    ["private-token", "glpat-1"],
    ["x-auth-token", "t3"],
    ["x-access-token", "t4"],
  ])("drops %s on a hop to another origin, keeps it on one to the same", (name, value) => {
    const given = request("GET", { [name]: value, "x-trace": "1" });
    expect(nextHop(given, 302, "https://b.example/x").headers).not.toHaveProperty(name);
    expect(nextHop(given, 302, "https://b.example/x").headers["x-trace"]).toBe("1");
    expect(nextHop(given, 302, "http://a.example/dir/other").headers).not.toHaveProperty(name);
    expect(nextHop(given, 302, "/other").headers[name]).toBe(value);
  });

  it.each([
    ["http://[bad", /invalid location/],
    ["file:///etc/passwd", /redirected to file: URL; only http\(s\)/],
    ["javascript:alert(1)", /only http\(s\)/],
  ])("refuses %s", (location, message) => {
    expect(() => nextHop(request("GET"), 302, location)).toThrow(message);
  });

  it.each([
    ["https://user:pw@a.example/next", "https://a.example/next"],
    ["//user:pw@a.example/next", "https://a.example/next"],
    ["https://token@a.example/next", "https://a.example/next"],
    ["https://:pw@a.example/next", "https://a.example/next"],
    ["https://a.example@b.example/next", "https://b.example/next"],
    ["http://user:pw@127.0.0.1:8080/x?y=1", "http://127.0.0.1:8080/x?y=1"],
  ])("refuses to follow %s, naming it without its user:password part", (location, shown) => {
    let thrown: unknown;
    try {
      nextHop(request("POST"), 307, location);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FetchError);
    const { kind, message } = thrown as FetchError;
    expect(kind).toBe("redirect");
    expect(message).toBe(
      `https://a.example/dir/page?q=1 redirected to ${shown} with a user:password part in the URL, which this tool never sends, so the redirect was not followed; request ${shown} itself, with an Authorization header if it needs credentials`,
    );
    expect(message).not.toMatch(/user:pw|:pw@|token|a\.example@/);
  });
});

describe("leftBehind", () => {
  it.each([
    ["nothing dropped", { authorization: "a", accept: "x" }, { authorization: "a", accept: "x" }, []],
    [
      "credentials dropped, others kept",
      { authorization: "a", "x-api-key": "k", accept: "x" },
      { accept: "x" },
      ["authorization", "x-api-key"],
    ],
    ["body headers a 303 dropped are no credentials", { "content-type": "a/b" }, {}, []],
    ["none given", {}, {}, []],
  ])("%s", (_case, given, sent, names) => {
    expect(leftBehind(given, sent)).toEqual(names);
  });
});
