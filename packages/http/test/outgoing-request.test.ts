import { optionNames } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { buildRequest, type Exchange, isIdempotent } from "../src/outgoing-request.js";

const URL_A = "https://api.example.com/items";

/** The request as plain data: method, URL text, headers, body. */
function built(call: Exchange, readOnly = false) {
  const result = buildRequest(call, readOnly, optionNames);
  if ("error" in result) return result;
  const { method, url, headers, body } = result.request;
  return { method, url: url.href, headers, ...(body !== undefined ? { body } : {}) };
}

describe("buildRequest", () => {
  it.each<[string, Exchange, ReturnType<typeof built>]>([
    ["a GET, method upper-cased", { method: "get", url: URL_A }, { method: "GET", url: URL_A, headers: {} }],
    [
      "a param replacing every same-named one in the URL, others kept in place",
      { method: "GET", url: `${URL_A}?page=1&tag=a&page=2&tag=b`, params: { page: "3" } },
      { method: "GET", url: `${URL_A}?page=3&tag=a&tag=b`, headers: {} },
    ],
    [
      "params appended to the query, headers lower-cased",
      { method: "GET", url: `${URL_A}?a=1`, params: { b: "2 3" }, headers: { "X-Trace": "t" } },
      { method: "GET", url: `${URL_A}?a=1&b=2+3`, headers: { "x-trace": "t" } },
    ],
    [
      "a JSON value serialised as application/json",
      { method: "POST", url: URL_A, body: { n: 1 } },
      { method: "POST", url: URL_A, headers: { "content-type": "application/json" }, body: '{"n":1}' },
    ],
    [
      "a string holding JSON typed as JSON",
      { method: "PUT", url: URL_A, body: ' ["a"] ' },
      { method: "PUT", url: URL_A, headers: { "content-type": "application/json" }, body: ' ["a"] ' },
    ],
    [
      "other text typed as text/plain",
      { method: "PATCH", url: URL_A, body: "{not json" },
      { method: "PATCH", url: URL_A, headers: { "content-type": "text/plain" }, body: "{not json" },
    ],
    [
      "a given content-type kept",
      { method: "POST", url: URL_A, body: "a=1", headers: { "Content-Type": "application/x-www-form-urlencoded" } },
      { method: "POST", url: URL_A, headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1" },
    ],
    [
      "a null body sends none, even on GET",
      { method: "GET", url: URL_A, body: null },
      { method: "GET", url: URL_A, headers: {} },
    ],
    [
      "a numeric body serialised",
      { method: "POST", url: URL_A, body: 0 },
      { method: "POST", url: URL_A, headers: { "content-type": "application/json" }, body: "0" },
    ],
  ])("builds %s", (_case, call, expected) => {
    expect(built(call)).toEqual(expected);
  });

  it.each<[string, Exchange, string]>([
    [
      "a managed header",
      { method: "GET", url: URL_A, headers: { Host: "evil" } },
      'header "Host" is set by the client itself',
    ],
    [
      "a framing header in any case",
      { method: "POST", url: URL_A, headers: { "TRANSFER-ENCODING": "chunked" } },
      'header "TRANSFER-ENCODING" is set by the client itself',
    ],
    [
      "a header name with a space",
      { method: "GET", url: URL_A, headers: { "X A": "1" } },
      'header name "X A" is not a valid HTTP token',
    ],
    ["a header name with a colon", { method: "GET", url: URL_A, headers: { "X:A": "1" } }, "is not a valid HTTP token"],
    [
      "CRLF in a value",
      { method: "GET", url: URL_A, headers: { "X-A": "1\r\nX-B: 2" } },
      "contains a line break or NUL",
    ],
    [
      "a bare LF in a value",
      { method: "GET", url: URL_A, headers: { "X-A": "1\nX-B: 2" } },
      "contains a line break or NUL",
    ],
    ["NUL in a value", { method: "GET", url: URL_A, headers: { "X-A": "1\0" } }, "contains a line break or NUL"],
    ["a body on GET", { method: "GET", url: URL_A, body: "x" }, "GET cannot carry a body; use POST, PUT or PATCH"],
    ["a body on HEAD", { method: "head", url: URL_A, body: {} }, "HEAD cannot carry a body"],
    ["a malformed URL", { method: "GET", url: "not a url" }, 'malformed URL "not a url"'],
    ["another scheme", { method: "GET", url: "file:///etc/passwd" }, 'unsupported scheme "file:"'],
    ["a password in the URL", { method: "GET", url: "https://u:p@api.example.com/" }, "carries a user:password part"],
    [
      "start_index on a POST",
      { method: "post", url: URL_A, startIndex: 200 },
      "start_index 200 would send the POST again, and a POST is not safe to repeat (it may write twice); nothing was sent",
    ],
    ["start_index on a PATCH", { method: "PATCH", url: URL_A, startIndex: 1 }, "would send the PATCH again"],
  ])("refuses %s, sending nothing", (_case, call, message) => {
    const result = buildRequest(call, false, optionNames);
    expect(result).toEqual({ error: expect.stringContaining(message) });
  });

  it.each(["POST", "put", "DELETE", "OPTIONS"])("in read-only mode refuses %s, naming the setting", (method) => {
    expect(buildRequest({ method, url: URL_A }, true, optionNames)).toEqual({
      error: `refused: ${method.toUpperCase()} is disabled in read-only mode, set by readOnly; only GET and HEAD are allowed`,
      cause: "read_only",
    });
  });

  it.each(["GET", "head"])("in read-only mode builds %s", (method) => {
    expect(built({ method, url: URL_A }, true)).toMatchObject({ method: method.toUpperCase(), url: URL_A });
  });

  it.each([
    ["GET", true],
    ["HEAD", true],
    ["OPTIONS", true],
    ["TRACE", true],
    ["PUT", true],
    ["DELETE", true],
    ["POST", false],
    ["PATCH", false],
    ["CONNECT", false],
    ["PROPFIND", false],
  ])("%s is idempotent: %s (RFC 9110 §9.2.2)", (method, expected) => {
    expect(isIdempotent(method)).toBe(expected);
  });

  it.each(["GET", "PUT", "DELETE"])("lets %s page with start_index, and a POST start at 0", (method) => {
    expect(built({ method, url: URL_A, startIndex: 200 })).toMatchObject({ method });
    expect(built({ method: "POST", url: URL_A, startIndex: 0 })).toMatchObject({ method: "POST" });
  });
});
