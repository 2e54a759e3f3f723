import { optionNames } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { buildRequest, type Exchange, effectiveMethod, isIdempotent, withParams } from "../src/outgoing-request.js";
import { MAX_BODY_DEPTH } from "../src/request-body.js";

const URL_A = "https://api.example.com/items";

/** The request as plain data: method, URL text, headers, body. */
function built(call: Exchange, readOnly = false) {
  const result = buildRequest(call, readOnly, optionNames);
  if ("error" in result) return result;
  const { method, url, headers, body } = result.request;
  return { method, url: url.href, headers, ...(body !== undefined ? { body } : {}) };
}

describe("withParams", () => {
  it.each<[string, Record<string, string>, string]>([
    ["", { a: "1" }, "a=1"],
    ["?a=1", { b: "2 3" }, "a=1&b=2+3"],
    // Pairs the params do not name are kept exactly as written.
    ["?tags=a%20b&flag&sig=ab%2Fc~d*e&x=(1)", { page: "2" }, "tags=a%20b&flag&sig=ab%2Fc~d*e&x=(1)&page=2"],
    ["?page=1&tag=a&page=2&tag=b", { page: "3" }, "page=3&tag=a&tag=b"],
    // A name is matched as decoded: `my%20key` and `my+key` are both "my key".
    ["?my%20key=1&my+key=2&other=x", { "my key": "v" }, "my+key=v&other=x"],
    ["?a=1&&b=2&", { c: "é&=" }, "a=1&b=2&c=%C3%A9%26%3D"],
    ["?bad%zz=1", { q: "x" }, "bad%zz=1&q=x"],
    ["?toString=1", { q: "x" }, "toString=1&q=x"],
  ])("%s with %j → %s", (search, params, expected) => {
    expect(withParams(search, params)).toBe(expected);
  });

  it("sends the URL's own query untouched through buildRequest", () => {
    const request = buildRequest(
      { method: "GET", url: `${URL_A}?sig=ab%2Fc~d&flag&t=a%20b`, params: { page: "2" } },
      false,
      optionNames,
    );
    expect("request" in request && request.request.url.href).toBe(`${URL_A}?sig=ab%2Fc~d&flag&t=a%20b&page=2`);
  });
});

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
      { method: "PATCH", url: URL_A, headers: { "content-type": "text/plain; charset=utf-8" }, body: "{not json" },
    ],
    [
      "a given text type without a charset told it is UTF-8",
      { method: "POST", url: URL_A, body: "a,b\n1,2", headers: { "Content-Type": "text/csv" } },
      { method: "POST", url: URL_A, headers: { "content-type": "text/csv; charset=utf-8" }, body: "a,b\n1,2" },
    ],
    [
      "a given charset kept as given",
      { method: "PUT", url: URL_A, body: "x", headers: { "content-type": "text/plain; charset=iso-8859-1" } },
      { method: "PUT", url: URL_A, headers: { "content-type": "text/plain; charset=iso-8859-1" }, body: "x" },
    ],
    [
      "non-ASCII text under a UTF-8 label in any spelling",
      { method: "POST", url: URL_A, body: "café", headers: { "content-type": 'text/plain; charset="UTF8"' } },
      { method: "POST", url: URL_A, headers: { "content-type": 'text/plain; charset="UTF8"' }, body: "café" },
    ],
    [
      "a given content-type kept",
      { method: "POST", url: URL_A, body: "a=1", headers: { "Content-Type": "application/x-www-form-urlencoded" } },
      { method: "POST", url: URL_A, headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1" },
    ],
    [
      "an object under a form type form-encoded, an array as the key repeated",
      {
        method: "POST",
        url: URL_A,
        body: { name: "a b", n: 2, ok: true, tag: ["x", "é&"] },
        headers: { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8" },
      },
      {
        method: "POST",
        url: URL_A,
        headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" },
        body: "name=a+b&n=2&ok=true&tag=x&tag=%C3%A9%26",
      },
    ],
    [
      "an object under multipart/form-data with its boundary named, as parts under that boundary",
      {
        method: "POST",
        url: URL_A,
        body: { a: "é", n: [1, true] },
        headers: { "Content-Type": "multipart/form-data; boundary=XyZ" },
      },
      {
        method: "POST",
        url: URL_A,
        headers: { "content-type": "multipart/form-data; boundary=XyZ" },
        body: [
          '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\né\r\n',
          '--XyZ\r\nContent-Disposition: form-data; name="n"\r\n\r\n1\r\n',
          '--XyZ\r\nContent-Disposition: form-data; name="n"\r\n\r\ntrue\r\n',
          "--XyZ--\r\n",
        ].join(""),
      },
    ],
    [
      "an empty body under charset=utf-16, as empty in any charset",
      { method: "PUT", url: URL_A, body: "", headers: { "content-type": "text/plain; charset=utf-16" } },
      { method: "PUT", url: URL_A, headers: { "content-type": "text/plain; charset=utf-16" }, body: "" },
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
    [
      "a control character in a value",
      { method: "GET", url: URL_A, headers: { "X-A": "x\u0001y" } },
      'header "X-A" contains the control character U+0001; remove it',
    ],
    [
      "text beyond Latin-1 in a value",
      { method: "GET", url: URL_A, headers: { "X-Title": "日本" } },
      'header "X-Title" contains "日", which an HTTP header cannot carry (Latin-1 only); percent-encode the text',
    ],
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
    [
      "a nested object under a form type",
      {
        method: "PUT",
        url: URL_A,
        body: { user: { name: "a" } },
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
      'body field "user" is an object, which an application/x-www-form-urlencoded body cannot carry',
    ],
    [
      "a null field under a form type",
      {
        method: "POST",
        url: URL_A,
        body: { a: null },
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
      'body field "a" is null',
    ],
    [
      "an array under a form type",
      { method: "POST", url: URL_A, body: [1, 2], headers: { "content-type": "application/x-www-form-urlencoded" } },
      'an application/x-www-form-urlencoded body is an object of fields; nothing was sent. Give one like {"a": "1"}, or give the body as a string already form-encoded ("a=1&b=2")',
    ],
    [
      "non-ASCII text under a charset other than UTF-8",
      { method: "POST", url: URL_A, body: "café", headers: { "Content-Type": "text/plain; charset=ISO-8859-1" } },
      'the body contains "é" and is sent as UTF-8, but its Content-Type says charset=ISO-8859-1, so the upstream would misread it; nothing was sent. Set charset=utf-8 or leave the charset out',
    ],
    [
      "non-ASCII JSON under a charset nobody knows",
      {
        method: "PUT",
        url: URL_A,
        body: { name: "日本" },
        headers: { "content-type": "application/json; charset=bogus" },
      },
      'the body contains "日" and is sent as UTF-8, but its Content-Type says charset=bogus',
    ],
    [
      "a string under multipart/form-data naming no boundary",
      { method: "POST", url: URL_A, body: "--x\r\n", headers: { "content-type": "multipart/form-data" } },
      'a multipart/form-data body is cut into parts at the boundary its Content-Type names, and "multipart/form-data" names none; nothing was sent',
    ],
    [
      "a field holding the boundary the call named",
      {
        method: "POST",
        url: URL_A,
        body: { a: "x--XyZ" },
        headers: { "content-type": "multipart/form-data; boundary=XyZ" },
      },
      'a body field contains "--XyZ", the boundary the Content-Type names, which would end its part early; nothing was sent',
    ],
    [
      "fields under a quoted boundary whose escape the receiver undoes, one holding it as read",
      {
        method: "POST",
        url: URL_A,
        body: { a: 'x--a"b' },
        headers: { "content-type": 'multipart/form-data; boundary="a\\"b"' },
      },
      'the boundary "a\\"b" (boundary="a\\"b", read as RFC 9110 reads a quoted string) that the Content-Type names cannot delimit multipart parts',
    ],
    [
      "a string under a boundary spelt with an escape",
      {
        method: "POST",
        url: URL_A,
        body: "--abc\r\n",
        headers: { "content-type": 'multipart/form-data; boundary="a\\bc"' },
      },
      'Write it without one: boundary="abc"',
    ],
    [
      "a nested object under multipart/form-data",
      { method: "POST", url: URL_A, body: { a: { b: 1 } }, headers: { "content-type": "multipart/form-data" } },
      'body field "a" is an object, which a multipart/form-data body cannot carry',
    ],
    [
      "ASCII JSON under charset=utf-16, whose characters take two bytes",
      { method: "POST", url: URL_A, body: { a: 1 }, headers: { "Content-Type": "application/json; charset=utf-16" } },
      "the body is sent as UTF-8, but its Content-Type says charset=utf-16, whose characters take two bytes or more, so the upstream would misread every one; nothing was sent. Set charset=utf-8 or leave the charset out",
    ],
    [
      "ASCII text under a quoted charset with quoted-pairs, which the upstream reads as utf-16",
      { method: "PUT", url: URL_A, body: "abc", headers: { "content-type": 'text/plain; charset="utf\\-16"' } },
      "its Content-Type says charset=utf-16, whose characters take two bytes or more",
    ],
    [
      "ASCII text under charset=UTF-32",
      { method: "PUT", url: URL_A, body: "abc", headers: { "content-type": "text/plain; charset=UTF-32" } },
      "its Content-Type says charset=UTF-32, whose characters take four bytes or more",
    ],
  ])("refuses %s, sending nothing", (_case, call, message) => {
    const result = buildRequest(call, false, optionNames);
    expect(result).toEqual({ error: expect.stringContaining(message) });
  });

  it("refuses a body nested deeper than MAX_BODY_DEPTH, naming both depths, and sends one at the limit", () => {
    const nested = (depth: number) => {
      let value: unknown = { id: 1 };
      for (let i = 1; i < depth; i++) value = [value];
      return value;
    };
    expect(buildRequest({ method: "POST", url: URL_A, body: nested(20_000) }, false, optionNames)).toEqual({
      error: `the body nests arrays and objects 20000 levels deep; at most ${MAX_BODY_DEPTH} are written out, and nothing was sent. Send fewer levels, or the JSON as a string (a string body is sent as written)`,
    });
    const atLimit = built({ method: "POST", url: URL_A, body: nested(MAX_BODY_DEPTH) });
    expect(atLimit).toMatchObject({
      body: `${"[".repeat(MAX_BODY_DEPTH - 1)}{"id":1}${"]".repeat(MAX_BODY_DEPTH - 1)}`,
    });
    // As a string it is sent as written, however deep.
    const text = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    expect(built({ method: "POST", url: URL_A, body: text })).toMatchObject({ body: text });
  });

  it.each(["POST", "put", "DELETE", "OPTIONS"])("in read-only mode refuses %s, naming the setting", (method) => {
    expect(buildRequest({ method, url: URL_A }, true, optionNames)).toEqual({
      error: `refused: ${method.toUpperCase()} is disabled in read-only mode, set by readOnly; only GET and HEAD are allowed`,
      cause: "read_only",
    });
  });

  it.each([
    ["X-HTTP-Method-Override", "DELETE"],
    ["x-http-method", "put"],
    ["X-Method-Override", " PATCH "],
  ])("in read-only mode refuses a GET whose %s header names %s", (name, value) => {
    expect(buildRequest({ method: "GET", url: URL_A, headers: { [name]: value } }, true, optionNames)).toEqual({
      error: `refused: header "${name}: ${value}" asks the upstream to take this GET as a ${value.trim().toUpperCase()}, which is disabled in read-only mode, set by readOnly; only GET and HEAD are allowed`,
      cause: "read_only",
    });
  });

  it.each([
    [
      { "X-HTTP-Method-Override": "GET", "X-HTTP-Method": "DELETE" },
      "GET (X-HTTP-Method-Override), DELETE (X-HTTP-Method)",
    ],
    [{ "X-HTTP-Method-Override": "GET, DELETE" }, "GET (X-HTTP-Method-Override), DELETE (X-HTTP-Method-Override)"],
    [{ "x-method-override": "head", "X-HTTP-Method": "PUT" }, "HEAD (x-method-override), PUT (X-HTTP-Method)"],
  ])("refuses method-override headers %o naming more than one method, read-only or not", (headers, named) => {
    for (const readOnly of [true, false]) {
      expect(buildRequest({ method: "GET", url: URL_A, headers }, readOnly, optionNames)).toEqual({
        error: `the method-override headers name more than one method: ${named}, and APIs differ in which one they act on; nothing was sent. Send one method-override header naming one method, or none`,
      });
    }
  });

  it("takes an empty method-override header as naming no method, in read-only mode and when paging", () => {
    const headers = { "X-HTTP-Method-Override": " " };
    expect(built({ method: "GET", url: URL_A, headers }, true)).toMatchObject({ method: "GET" });
    expect(built({ method: "GET", url: URL_A, headers, startIndex: 10 })).toMatchObject({ method: "GET" });
    expect(effectiveMethod({ method: "GET", headers: { "X-HTTP-Method": "" } })).toBe("GET");
  });

  it("in read-only mode builds a GET whose method-override header names GET or HEAD", () => {
    for (const value of ["GET", "head"]) {
      const headers = { "X-HTTP-Method-Override": value };
      expect(built({ method: "GET", url: URL_A, headers }, true)).toMatchObject({ method: "GET" });
    }
  });

  it("refuses start_index on a GET whose method-override header names POST: paging would send the POST again", () => {
    const call = { method: "GET", url: URL_A, startIndex: 10, headers: { "X-HTTP-Method-Override": "POST" } };
    expect(buildRequest(call, false, optionNames)).toEqual({
      error: expect.stringContaining("start_index 10 would send the POST again"),
    });
  });

  it("refuses start_index on a POST whose method-override header names GET: an API that ignores it gets the POST again", () => {
    const call = { method: "POST", url: URL_A, startIndex: 10, headers: { "X-HTTP-Method-Override": "GET" } };
    expect(buildRequest(call, false, optionNames)).toEqual({
      error: expect.stringContaining("start_index 10 would send the POST again"),
    });
  });

  it("in read-only mode refuses a DELETE whose method-override header names GET, as an API that ignores it deletes", () => {
    const call = { method: "DELETE", url: URL_A, headers: { "X-HTTP-Method-Override": "GET" } };
    expect(buildRequest(call, true, optionNames)).toEqual({
      error: "refused: DELETE is disabled in read-only mode, set by readOnly; only GET and HEAD are allowed",
      cause: "read_only",
    });
  });

  it.each([
    [{ method: "GET" }, "GET"],
    [{ method: "GET", headers: { "x-http-method-override": "delete" } }, "DELETE"],
    [{ method: "POST", headers: { "X-HTTP-Method": "PATCH" } }, "PATCH"],
    [{ method: "GET", headers: { accept: "text/plain" } }, "GET"],
    // An API that does not read the header acts on the method sent: one not safe to repeat counts as sent.
    [{ method: "POST", headers: { "X-HTTP-Method-Override": "GET" } }, "POST"],
    [{ method: "DELETE", headers: { "X-HTTP-Method-Override": "GET" } }, "GET"],
  ])("effectiveMethod(%o) is %s", (request, method) => {
    expect(effectiveMethod(request)).toBe(method);
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
