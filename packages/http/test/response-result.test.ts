import { optionNames } from "@mcp-toolkit/core";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import type { FetchResponse } from "../src/fetch-request.js";
import { type PresentSettings, presentResponse } from "../src/response-result.js";

const settings: PresentSettings = {
  redact: (text) => text.replaceAll("s3cret", "[redacted]"),
  maxLengthLimit: 100,
  maxResponseBytes: 64,
  timeoutMs: 400,
  settingNames: optionNames,
};

function response(overrides: Partial<FetchResponse> = {}): FetchResponse {
  return {
    url: "https://api.example.com/a",
    status: 200,
    statusText: "OK",
    headers: {},
    body: Buffer.alloc(0),
    cut: false,
    redirects: 0,
    retries: 0,
    ...overrides,
  };
}

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

describe("presentResponse", () => {
  it("shows the status, the headers worth showing (redacted), that a Set-Cookie was withheld, and a short body", () => {
    const headers = {
      "content-type": "text/plain",
      "x-ratelimit-remaining": "9",
      "set-cookie": "id=1",
      server: "nginx",
      link: "<https://api.example.com/b?key=s3cret>",
    };
    const result = presentResponse(settings, response({ headers }), "hello", 0, { length: 10 }, "GET");
    expect(text(result)).toBe(
      "HTTP 200 OK\ncontent-type: text/plain\nx-ratelimit-remaining: 9\nlink: <https://api.example.com/b?key=[redacted]>\n[Set-Cookie withheld: this tool keeps no cookies, so a cookie session does not carry to the next call; use a token the API issues (an Authorization or API-key header), or have the server's operator add the host's headers with credentials]\n\nhello",
    );
    expect(result.structuredContent).toEqual({
      status: 200,
      url: "https://api.example.com/a",
      headers: {
        "content-type": "text/plain",
        "x-ratelimit-remaining": "9",
        link: "<https://api.example.com/b?key=[redacted]>",
      },
      body: "hello",
    });
  });

  it("names the final URL after redirects and counts retries", () => {
    const result = presentResponse(
      settings,
      response({ status: 204, statusText: "", url: "https://api.example.com/s3cret", redirects: 2, retries: 1 }),
      "",
      0,
      { length: 10 },
      "GET",
    );
    expect(text(result)).toBe("HTTP 204\nurl: https://api.example.com/[redacted] (after 2 redirects)\nretried: 1");
  });

  it("pages a long body and says where the next page starts", () => {
    const result = presentResponse(settings, response(), "abcdefghij", 4, { length: 3 }, "GET");
    expect(text(result)).toBe(
      "HTTP 200 OK\n\nefg\n\n[showing characters 4-7 of 10; call http_request with start_index=7 for more]",
    );
    expect(result.structuredContent).toMatchObject({ body: "efg", next_start_index: 7 });
  });

  it.each<[string, string, number, number, string, number | undefined]>([
    // Counted in characters (code points), as the README says: an emoji, a CJK ideograph, an accented letter is one.
    ["emoji", "ab😀cd", 0, 3, "ab😀", 3],
    ["emoji", "ab😀cd", 2, 1, "😀", 3],
    ["emoji", "ab😀cd", 3, 2, "cd", undefined],
    ["emoji only", "😀🎉👍🏽✨", 1, 2, "🎉👍", 3],
    ["CJK", "日本語のテキスト", 2, 3, "語のテ", 5],
    ["CJK extension B", "𠀀𠀁𠀂𠀃", 0, 2, "𠀀𠀁", 2],
    ["French", "Élève à l'école", 0, 9, "Élève à l", 9],
    ["German", "Größe, Straße, Übermaß", 7, 7, "Straße,", 14],
  ])("pages %s text by characters: %j from %d, max_length %d → %j", (_, body, startIndex, length, page, next) => {
    const result = presentResponse(settings, response(), body, startIndex, { length }, "GET");
    expect(result.structuredContent).toMatchObject({ body: page });
    expect((result.structuredContent as { next_start_index?: number }).next_start_index).toBe(next);
  });

  it("tells the whole length in characters, and start_index past it, for text of emoji and CJK", () => {
    const body = "😀".repeat(6) + "漢字";
    const page = presentResponse(settings, response(), body, 0, { length: 4 }, "GET");
    expect(text(page)).toContain("[showing characters 0-4 of 8; call http_request with start_index=4 for more]");
    const past = presentResponse(settings, response(), body, 8, { length: 4 }, "GET");
    expect(text(past)).toBe("start_index 8 is past the end of the body (8 characters)");
    const long = presentResponse(settings, response(), "😀".repeat(150), 0, { length: 100, overLimit: 500 }, "GET");
    expect(text(long)).toContain("returned 100 characters]");
  });

  it.each([
    [
      "fewer pages as sent",
      25,
      10,
      " for more, or from start_index=0 with raw: true for the JSON as sent, not re-indented: 10 characters, 1 page of 10 rather than 3]",
    ],
    ["as many pages as sent (an upstream's own wider indent)", 25, 21, " for more]"],
    ["not re-indented", 25, undefined, " for more]"],
  ])("offers raw: true for JSON shown re-indented only when it pages in fewer pages: %s", (_, shown, asSent, end) => {
    const page = presentResponse(
      settings,
      response(),
      "x".repeat(shown),
      0,
      { length: 10 },
      "GET",
      false,
      undefined,
      false,
      false,
      asSent,
    );
    expect(text(page).split("\n\n").at(-1)).toBe(
      `[showing characters 0-10 of 25; call http_request with start_index=10${end}`,
    );
  });

  it("says when start_index is past the end", () => {
    const result = presentResponse(settings, response(), "abc", 3, { length: 10 }, "GET");
    expect(result.isError).toBe(true);
    expect(text(result)).toBe("start_index 3 is past the end of the body (3 characters)");
  });

  it("notes the ceiling only when it shortened the page", () => {
    const long = presentResponse(settings, response(), "x".repeat(150), 0, { length: 100, overLimit: 500 }, "GET");
    expect(text(long)).toContain(
      "[max_length 500 is over this server's limit of 100 characters per result, set by maxLengthLimit; returned 100 characters]",
    );
    const short = presentResponse(settings, response(), "x".repeat(50), 0, { length: 100, overLimit: 500 }, "GET");
    expect(text(short)).not.toContain("max_length");
  });

  it("discloses a cut body: the upstream's length and encoding, the setting, and a Range to read on", () => {
    const cut = response({ cut: "read-limit", headers: { "content-length": "5000", "content-encoding": "gzip" } });
    const result = presentResponse(settings, cut, "y".repeat(64), 0, { length: 100 }, "GET");
    expect(text(result)).toContain(
      "[body cut at the 64-byte read limit, set by maxResponseBytes: truncated, the rest was not read; the upstream's Content-Length is 5000 bytes (gzip-compressed); for the rest send headers Range: bytes=64- and Accept-Encoding: identity (a range counts bytes as sent, and these were gzip-compressed)]",
    );
    expect(result.structuredContent).toMatchObject({ truncated: true, content_length: 5000 });
  });

  it("asks for the rest of a compressed body uncompressed, as the range counts the bytes as sent", () => {
    const cut = response({ cut: "time-limit", headers: { "content-encoding": "br" } });
    const result = presentResponse(
      settings,
      { ...cut, body: Buffer.alloc(40) },
      "w".repeat(40),
      0,
      { length: 10 },
      "GET",
    );
    expect(text(result)).toContain(
      "for the rest send headers Range: bytes=40- and Accept-Encoding: identity (a range counts bytes as sent, and these were br-compressed)]",
    );
    const plain = response({ cut: "read-limit", headers: { "content-encoding": "identity", "content-length": "900" } });
    const shown = text(presentResponse(settings, plain, "p".repeat(64), 0, { length: 10 }, "GET"));
    expect(shown).toContain(
      "the upstream's Content-Length is 900 bytes; send a header like Range: bytes=64- for the rest]",
    );
    expect(shown).not.toContain("compressed");
  });

  it.each([
    [
      "a 200 to a Range sent: the upstream serves none, so not another Range",
      response({ cut: "read-limit" }),
      "the upstream ignored the Range header sent (bytes=64-) and answered 200 with the body from its start, so it serves no ranges: for the rest, ask the API for less with its own paging or filter parameters]",
    ],
    [
      "a 206: the rest starts after the range's start plus what was read",
      response({ status: 206, cut: "read-limit", headers: { "content-range": "bytes 64-9999/10000" } }),
      "send a header like Range: bytes=128- for the rest]",
    ],
  ])("reads on from a cut answer to a Range: %s", (_case, cut, advice) => {
    const shown = text(presentResponse(settings, cut, "r".repeat(64), 0, { length: 100 }, "GET", false, "bytes=64-"));
    expect(shown).toContain(advice);
    expect(shown.match(/Range: bytes=/g) ?? []).toHaveLength(advice.includes("Range: bytes=") ? 1 : 0);
  });

  it.each([
    [
      "an event stream at the time limit",
      response({
        cut: "time-limit",
        headers: { "content-type": "text/event-stream" },
        body: Buffer.from("data: 1\n\n"),
      }),
      "[body cut off by the 400 ms time limit, set by timeoutMs, after 9 bytes; truncated, the rest was not read; its full length is unknown (no Content-Length); an event stream does not end, so there is no rest to read: call again for the events sent since (with a Last-Event-ID header naming the last id: shown, if the stream numbers its events)]",
    ],
    [
      "an event stream at the read limit",
      response({ cut: "read-limit", headers: { "content-type": "text/event-stream; charset=utf-8" } }),
      "[body cut at the 64-byte read limit, set by maxResponseBytes: truncated, the rest was not read; its full length is unknown (no Content-Length); an event stream does not end, so there is no rest to read: call again for the events sent since (with a Last-Event-ID header naming the last id: shown, if the stream numbers its events)]",
    ],
    [
      "a long poll that sent headers and then nothing",
      response({ cut: "time-limit", headers: { "content-type": "application/json" } }),
      "[body cut off by the 400 ms time limit, set by timeoutMs, after 0 bytes; truncated, the rest was not read; its full length is unknown (no Content-Length); the upstream answered but had sent nothing more by then (a long poll, or a stream with nothing new yet): call again, or ask the API to wait less with its own timeout or wait parameter]",
    ],
  ])("offers no Range for what has no rest to range over: %s", (_case, cut, note) => {
    const shown = text(presentResponse(settings, cut, cut.body.toString(), 0, { length: 100 }, "GET"));
    expect(shown.endsWith(note), shown).toBe(true);
    expect(shown).not.toContain("Range:");
  });

  it("tells the next page of HTML shown unconverted to ask for raw: true, as its offsets count the HTML", () => {
    const html = `<p>${"x".repeat(40)}</p>`;
    const page = (rawHtml: boolean) =>
      text(presentResponse(settings, response(), html, 0, { length: 20 }, "GET", false, undefined, false, rawHtml));
    expect(page(true)).toContain(
      "[showing characters 0-20 of 47; call http_request with raw: true and start_index=20 for more]",
    );
    expect(page(false)).toContain("[showing characters 0-20 of 47; call http_request with start_index=20 for more]");
  });

  it("pages within a cut body as only what was read, and says its length is unknown without Content-Length", () => {
    const result = presentResponse(settings, response({ cut: "read-limit" }), "z".repeat(64), 0, { length: 10 }, "GET");
    expect(text(result)).toContain("[showing characters 0-10 of the first 64 read;");
    expect(text(result)).toContain("its full length is unknown (no Content-Length)");
    expect(result.structuredContent).toMatchObject({ truncated: true });
    expect(result.structuredContent).not.toHaveProperty("content_length");
    const past = presentResponse(settings, response({ cut: "read-limit" }), "z".repeat(64), 64, { length: 10 }, "GET");
    expect(text(past)).toMatch(/^start_index 64 is past the 64 characters read; \[body cut at the 64-byte read limit/);
  });

  it.each([
    ["with Content-Length", { "content-length": "2000000" }, "of the first 64 read, of a body of 2000000 bytes;"],
    [
      "compressed",
      { "content-length": "9000", "content-encoding": "br" },
      "of the first 64 read, of a body of 9000 bytes (br-compressed);",
    ],
    ["without Content-Length", {}, "of the first 64 read;"],
    [
      "identity, which is no compression",
      { "content-length": "700", "content-encoding": "identity" },
      "of the first 64 read, of a body of 700 bytes;",
    ],
  ])("a page read only as far as it needed says how long the whole body is: %s", (_, headers, expected) => {
    const enough = response({ cut: "enough", headers });
    const result = presentResponse(settings, enough, "e".repeat(64), 0, { length: 10 }, "GET");
    expect(text(result)).toContain(
      `[showing characters 0-10 ${expected.startsWith("of a") ? "of the first 64 read, " : ""}${expected}`,
    );
    // Nothing was cut by a limit: no cut note, no truncated flag.
    expect(text(result)).not.toContain("read limit");
    expect(result.structuredContent).not.toHaveProperty("truncated");
  });

  it.each(["POST", "PATCH"])("never offers start_index on a %s reply, which would send it again", (method) => {
    const result = presentResponse(settings, response(), "abcdefghij", 0, { length: 3 }, method);
    expect(text(result)).toBe(
      `HTTP 200 OK\n\nabc\n\n[showing characters 0-3 of 10; the rest was not kept, and start_index would send the ${method} again (it may write twice). For the whole reply, ask the API for a smaller one with its own paging or filter parameters, or send the ${method} once with http_request and max_length up to 100]`,
    );
    expect(result.structuredContent).not.toHaveProperty("next_start_index");
    const cut = presentResponse(settings, response({ cut: "read-limit" }), "y".repeat(64), 0, { length: 100 }, method);
    expect(text(cut)).toContain("the rest was not read; its full length is unknown (no Content-Length)]");
    expect(text(cut)).not.toContain("Range");
  });

  it("never tells a POST already sent at the max_length ceiling to send it again with a larger one", () => {
    const result = presentResponse(settings, response(), "x".repeat(150), 0, { length: 100 }, "POST");
    expect(text(result)).toContain(
      "For the whole reply, ask the API for a smaller one with its own paging or filter parameters]",
    );
    expect(text(result)).not.toContain("max_length up to");
  });

  it("marks a body cut off by the time limit as truncated, naming the limit and what was read", () => {
    const timedOut = response({
      cut: "time-limit",
      body: Buffer.from("partial"),
      headers: { "content-length": "900" },
    });
    const result = presentResponse(settings, timedOut, "partial", 0, { length: 100 }, "GET");
    expect(result.isError).toBeFalsy();
    expect(text(result)).toBe(
      "HTTP 200 OK\ncontent-length: 900\n\npartial\n\n[body cut off by the 400 ms time limit, set by timeoutMs, after 7 bytes: the upstream was still sending; truncated, the rest was not read; the upstream's Content-Length is 900 bytes; send a header like Range: bytes=7- for the rest]",
    );
    expect(result.structuredContent).toMatchObject({ body: "partial", truncated: true, content_length: 900 });
  });

  it("says a body cut off by the time limit waited for room to be read, not that the upstream was still sending", () => {
    const waited = response({ cut: "time-limit", body: Buffer.from("partial"), bodyWaitMs: 850 });
    expect(text(presentResponse(settings, waited, "partial", 0, { length: 100 }, "GET"))).toContain(
      "[body cut off by the 400 ms time limit, set by timeoutMs, after 7 bytes, having waited 850 ms of it for room to read the body (the body bytes all calls in flight may hold at once, set by maxBufferedBytes); truncated, the rest was not read;",
    );
  });
});
