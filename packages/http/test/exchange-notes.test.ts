import { optionNames } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { resolveCredentials } from "../src/credentials.js";
import { credentialNote, encodedParamsNote, retryNote, unconvertedNote } from "../src/exchange-notes.js";
import type { FetchRequest, FetchResponse } from "../src/fetch-request.js";

const credentials = resolveCredentials({ "api.example.com": { Authorization: "Bearer t-123456" } }, {});

function note(status: number, given: Record<string, string>, url = "https://api.example.com/v1", left?: string[]) {
  const request: FetchRequest = { method: "GET", url: new URL("https://api.example.com/v1"), headers: given };
  const response: FetchResponse = {
    url,
    status,
    statusText: "",
    headers: {},
    body: Buffer.alloc(0),
    cut: false,
    redirects: 0,
    retries: 0,
    ...(left ? { leftBehind: left } : {}),
  };
  return credentialNote(credentials, request, response, "--credentials JSON");
}

describe("credentialNote", () => {
  it.each([
    ["a 200 with the configured header alone says nothing", 200, {}, ""],
    ["a host with no credentials says nothing, even on a 401", 401, { authorization: "x" }, "", "https://other.test/"],
    [
      "the call's own header, replaced, is named",
      200,
      { authorization: "Bearer mine" },
      "[Not sent: your authorization",
    ],
    ["a 401 names the configured credentials and who can change them", 401, {}, "api.example.com answered 401"],
    ["a 403 too", 403, { accept: "x" }, "only the server's operator can change them (--credentials JSON)"],
  ])("%s", (_case, status, given, expected, url?: string) => {
    const text = note(status, given, url);
    if (expected === "") expect(text).toBe("");
    else expect(text).toContain(expected);
  });

  it("does not call a header replaced that a redirect to another origin left behind", () => {
    expect(note(200, { authorization: "Bearer mine" }, "https://api.example.com/v2", ["authorization"])).toBe("");
  });
});

describe("unconvertedNote", () => {
  it.each([
    [
      { unconverted: true, conversionsAtOnce: 1 } as const,
      "(1 page converted to markdown at once, set by maxConversions)",
    ],
    [
      { unconverted: true, conversionsAtOnce: 2 } as const,
      "(2 pages converted to markdown at once, set by maxConversions)",
    ],
    [{ unconverted: true } as const, "passed before it could be converted to markdown]"],
  ])("%j: the time limit passed, and why", (rendered, expected) => {
    const note = unconvertedNote(rendered, 300, optionNames);
    expect(note).toMatch(/^\[HTML shown unconverted: the 300 ms time limit, set by timeoutMs, passed /);
    expect(note).toContain(expected);
  });

  it("says nothing of converted HTML", () => {
    expect(unconvertedNote({}, 300, optionNames)).toBe("");
  });
});

describe("retryNote", () => {
  const NOW = Date.parse("2026-01-01T12:00:00Z");
  const settings = { maxRetries: 2, maxRetryWaitMs: 10_000, timeoutMs: 30_000 };
  function retried(
    method: string,
    status: number,
    headers: Record<string, string>,
    retries = 0,
    more: Partial<FetchResponse> = {},
  ) {
    const request: FetchRequest = { method, url: new URL("https://api.example.com/v1"), headers: {} };
    const response: FetchResponse = {
      url: "https://api.example.com/v1",
      status,
      statusText: "",
      headers,
      body: Buffer.alloc(0),
      cut: false,
      redirects: 0,
      retries,
      ...more,
    };
    return retryNote(request, response, settings, NOW);
  }

  it.each<[string, string, number, Record<string, string>, number, string]>([
    ["a 200", "GET", 200, { "retry-after": "5" }, 0, ""],
    ["a 403 without Retry-After (a refusal for good, as far as it says)", "GET", 403, {}, 0, ""],
    ["a redirect's Retry-After (a redirect is followed or explained)", "GET", 301, { "retry-after": "5" }, 0, ""],
    [
      "a 403 with Retry-After (GitHub's secondary rate limit), never retried",
      "GET",
      403,
      { "retry-after": "60" },
      0,
      "[Not retried: only a 429 or 503 is resent for you, and this is a 403, whose Retry-After says the refusal lasts only so long (a rate limit may answer 403 so, as GitHub's secondary one does). Retry-After asks for 60 seconds: call again after 12:01:00 UTC, 60 seconds from now.]",
    ],
    [
      "a GET answered 413 with a Retry-After date",
      "GET",
      413,
      { "retry-after": "Thu, 01 Jan 2026 12:00:30 GMT" },
      0,
      "[Not retried: only a 429 or 503 is resent for you, and this is a 413, whose Retry-After says the refusal lasts only so long. Retry-After asks for 30 seconds: call again after 12:00:30 UTC, 30 seconds from now.]",
    ],
    [
      "a POST answered 413 with a Retry-After date",
      "POST",
      413,
      { "retry-after": "Thu, 01 Jan 2026 12:00:30 GMT" },
      0,
      "[Not retried: a POST is never resent for you, as it may act twice (unless it carries an Idempotency-Key header, for an API that takes one). Retry-After asks for 30 seconds: call again after 12:00:30 UTC, 30 seconds from now.]",
    ],
    [
      "a POST answered 429",
      "POST",
      429,
      { "retry-after": "1" },
      0,
      "[Not retried: a POST is never resent for you, as it may act twice (unless it carries an Idempotency-Key header, for an API that takes one). Retry-After asks for 1 second: call again after 12:00:01 UTC, 1 second from now.]",
    ],
    [
      "a GET asked to wait past the bound, in seconds",
      "GET",
      503,
      { "retry-after": "120" },
      0,
      "[Not retried: Retry-After asks for 120 seconds, longer than the 10 s this server waits within a call. Call again after 12:02:00 UTC, 120 seconds from now.]",
    ],
    [
      "a GET asked to wait until a date, converted to seconds from now",
      "GET",
      429,
      { "retry-after": "Thu, 01 Jan 2026 12:05:00 GMT" },
      0,
      "[Not retried: Retry-After asks for 300 seconds, longer than the 10 s this server waits within a call. Call again after 12:05:00 UTC, 300 seconds from now.]",
    ],
    [
      "a GET retried as often as allowed",
      "GET",
      429,
      { "retry-after": "2" },
      2,
      "[Not retried again: already retried 2 times, the most this server does. Retry-After asks for 2 seconds: call again after 12:00:02 UTC, 2 seconds from now.]",
    ],
    [
      "a PATCH with no Retry-After",
      "PATCH",
      503,
      {},
      0,
      "[Not retried: a PATCH is never resent for you, as it may act twice (unless it carries an Idempotency-Key header, for an API that takes one). No Retry-After says how long to wait: wait a while (a RateLimit or X-RateLimit reset header, if shown, says when the limit resets) before calling again.]",
    ],
    [
      "a Retry-After that is neither seconds nor a date",
      "DELETE",
      429,
      { "retry-after": "soon" },
      2,
      '[Not retried again: already retried 2 times, the most this server does. Its Retry-After "soon" is neither seconds nor a date: wait a while before calling again.]',
    ],
    [
      "a wait of more than a day, whose time of day alone would mislead",
      "GET",
      429,
      { "retry-after": "172800" },
      0,
      "[Not retried: Retry-After asks for 172800 seconds, longer than the 10 s this server waits within a call. Call again after 2026-01-03 12:00:00 UTC, 172800 seconds from now.]",
    ],
    [
      "a wait past the last time a date can hold (a hostile upstream's), said in seconds alone",
      "GET",
      429,
      { "retry-after": "9000000000000" },
      0,
      "[Not retried: Retry-After asks for 9000000000000 seconds, longer than the 10 s this server waits within a call. Call again 9000000000000 seconds from now.]",
    ],
    [
      "a wait within the bound that the time limit leaves no room for",
      "PUT",
      503,
      { "retry-after": "9" },
      0,
      "[Not retried: the wait would pass this call's 30000 ms time limit. Retry-After asks for 9 seconds: call again after 12:00:09 UTC, 9 seconds from now.]",
    ],
  ])("%s", (_case, method, status, headers, retries, expected) => {
    expect(retried(method, status, headers, retries)).toBe(expected);
  });

  it("judges a POST that a redirect made a GET as the GET that was answered", () => {
    const madeGet = { method: "POST", status: 303, url: "https://api.example.com/old" };
    expect(retried("POST", 429, { "retry-after": "60" }, 0, { madeGet })).toContain(
      "[Not retried: Retry-After asks for 60 seconds, longer than",
    );
  });
});

describe("encodedParamsNote", () => {
  const same = (text: string) => text;
  it.each<[Record<string, string> | undefined]>([[undefined], [{ q: "a b", pct: "100%", odd: "%zz" }]])(
    "says nothing of %j, which holds no percent-escape",
    (params) => {
      expect(encodedParamsNote(params, same)).toBe("");
    },
  );

  it.each<[Record<string, string>, string]>([
    [
      { cursor: "abc%3D%3D" },
      '[params: "cursor" is "abc%3D%3D", which holds a percent-escape, and was sent encoded again, as cursor=abc%253D%253D',
    ],
    [{ a: "%2F", b: "x%41", c: "y" }, '[params: "a" is "%2F" (and 1 other param like it), which holds'],
  ])("names the first of %j", (params, note) => {
    expect(encodedParamsNote(params, same)).toContain(note);
  });

  it("quotes a long value, and how it was sent, by their first 80 characters, so the note stays short", () => {
    // A 20,000-character cursor was written out twice in every result, whatever max_length asked.
    const cursor = `${"c".repeat(20_000)}%3D`;
    const note = encodedParamsNote({ cursor }, same);
    expect(note.length).toBeLessThan(600);
    expect(note).toContain(`"cursor" is "${"c".repeat(80)}…" (20003 characters)`);
    expect(note).toContain(`as cursor=${"c".repeat(73)}…`);
  });

  it("redacts a secret in the value", () => {
    const redact = (text: string) => text.replaceAll("s3cr3t", "[redacted]");
    expect(encodedParamsNote({ key: "s3cr3t%21" }, redact)).not.toContain("s3cr3t");
    // Before it is cut: a secret straddling the cut keeps none of itself.
    expect(encodedParamsNote({ key: `${"k".repeat(76)}s3cr3t%21` }, redact)).not.toContain("s3c");
  });
});
