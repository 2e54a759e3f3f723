import { describe, expect, it } from "vitest";
import {
  boundHeaders,
  boundUrlLine,
  MAX_SHOWN_HEADER_CHARS,
  MIN_SHOWN_URL_CHARS,
  shownHeaders,
} from "../src/shown-headers.js";

const upstream = {
  "content-type": "text/csv",
  allow: "GET, POST, OPTIONS",
  "access-control-allow-methods": "GET, POST",
  "access-control-max-age": "600",
  "content-disposition": "attachment; filename=report.csv",
  "cache-control": "max-age=60",
  etag: '"abc"',
  "last-modified": "Wed, 21 Oct 2015 07:28:00 GMT",
  deprecation: "true",
  server: "nginx",
  "x-api-version": "2",
  "set-cookie": "session=s3cret; HttpOnly, b=2",
};

describe("shownHeaders", () => {
  it.each<[string, string, boolean, string[]]>([
    [
      "a GET: the headers that change what to do next",
      "GET",
      false,
      ["content-type", "allow", "content-disposition", "cache-control", "etag", "last-modified", "deprecation"],
    ],
    [
      "an OPTIONS: CORS answers too",
      "OPTIONS",
      false,
      [
        "content-type",
        "allow",
        "access-control-allow-methods",
        "access-control-max-age",
        "content-disposition",
        "cache-control",
        "etag",
        "last-modified",
        "deprecation",
      ],
    ],
    [
      "every header asked for: all but Set-Cookie",
      "GET",
      true,
      Object.keys(upstream).filter((name) => name !== "set-cookie"),
    ],
  ])("%s", (_, method, all, names) => {
    const { shown } = shownHeaders(upstream, method, all, "--credentials JSON");
    expect(Object.keys(shown)).toEqual(names);
    expect(JSON.stringify(shown)).not.toContain("s3cret");
  });

  it.each([
    ["ratelimit-remaining", true],
    ["x-ratelimit-reset", true],
    ["x-rate-limit-remaining", true],
    ["x-rate-limit-reset", true],
    ["date", false],
    ["x-total-count", true],
    ["x-total", true],
    ["x-total-pages", true],
    ["x-wp-total", true],
    ["x-wp-totalpages", true],
    ["x-next-page", true],
    ["link", true],
    ["access-control-allow-origin", false],
    ["server", false],
    ["set-cookie", false],
  ])("on a GET, %s is shown: %s", (name, shown) => {
    expect(name in shownHeaders({ [name]: "v" }, "GET", false, "--credentials JSON").shown).toBe(shown);
  });

  it("shows Date beside a rate limit's reset, which may be a time, and not otherwise", () => {
    const date = "Mon, 01 Jul 2013 17:27:06 GMT";
    const limited = { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1372700873", date, server: "GitHub.com" };
    expect(shownHeaders(limited, "GET", false, "--credentials JSON").shown).toEqual({
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": "1372700873",
      date,
    });
    expect(shownHeaders({ "x-ratelimit-remaining": "9", date }, "GET", false, "--credentials JSON").shown).toEqual({
      "x-ratelimit-remaining": "9",
    });
  });

  it("reads a value sent as raw UTF-8 as UTF-8, and one in Latin-1 as sent", () => {
    // The client hands header bytes over one per character: "é" sent as UTF-8 arrives as "Ã©".
    const asReceived = (text: string) => Buffer.from(text, "utf8").toString("latin1");
    const headers = {
      "content-disposition": asReceived('attachment; filename="résumé.pdf"'),
      "www-authenticate": asReceived('Bearer error_description="Jeton expiré"'),
      "x-request-id": "caf\xe9",
    };
    expect(shownHeaders(headers, "GET", false, "--credentials JSON").shown).toEqual({
      "content-disposition": 'attachment; filename="résumé.pdf"',
      "www-authenticate": 'Bearer error_description="Jeton expiré"',
      "x-request-id": "caf\xe9",
    });
  });

  it("says a Set-Cookie was withheld, why, and what to use instead; nothing when there was none", () => {
    expect(shownHeaders(upstream, "POST", false, "--credentials JSON").withheld).toBe(
      "[Set-Cookie withheld: this tool keeps no cookies, so a cookie session does not carry to the next call; use a token the API issues (an Authorization or API-key header), or have the server's operator add the host's headers with --credentials JSON]",
    );
    expect(shownHeaders({ allow: "GET" }, "GET", true, "--credentials JSON").withheld).toBeUndefined();
  });
});

describe("boundHeaders", () => {
  /** Characters of `name: value` lines, as boundHeaders counts them. */
  const lines = (headers: Record<string, string>) =>
    Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length + 3, 0);

  it("leaves headers that fit as they are, with no note", () => {
    const headers = { "content-type": "text/plain", link: "<https://x/?page=2>; rel=next" };
    expect(boundHeaders(headers)).toEqual({ shown: headers });
  });

  it("keeps the named headers first, in the order sent, and names those left out past the bound", () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 30; i++) headers[`x-ratelimit-junk-${i}`] = "v".repeat(450);
    headers["content-type"] = "application/json";
    headers["retry-after"] = "30";
    const { shown, note } = boundHeaders(headers);
    expect(lines(shown)).toBeLessThanOrEqual(MAX_SHOWN_HEADER_CHARS);
    expect(Object.keys(shown).slice(-2)).toEqual(["content-type", "retry-after"]);
    // Eight junk headers fit whole in what is left (470 characters each); the ninth is cut to the room left.
    expect(Object.keys(shown)).toHaveLength(11);
    expect(shown["x-ratelimit-junk-8"]).toMatch(/^v+…$/);
    const cut = (shown["x-ratelimit-junk-8"] ?? "").length - 1;
    const left = Array.from({ length: 21 }, (_, i) => `x-ratelimit-junk-${i + 9}`);
    expect(note).toBe(
      `[response headers: ${lines(headers)} characters of them, more than the ${MAX_SHOWN_HEADER_CHARS} a result shows, so x-ratelimit-junk-8 cut to ${cut} of its 450 characters; left out: ${left.slice(0, 10).join(", ")} and 11 more (21 headers, ${lines(Object.fromEntries(left.map((name) => [name, "v".repeat(450)])))} characters)]`,
    );
  });

  it("cuts one long value to the bound rather than leaving it out, never through a surrogate pair", () => {
    // The room is 4000 less "link: …" and its line break: 3992 characters, the last of them half of the emoji.
    const link = `${"a".repeat(3991)}😀${"b".repeat(2000)}`;
    const { shown, note } = boundHeaders({ link });
    expect(shown.link).toBe(`${"a".repeat(3991)}…`);
    expect(note).toContain("link cut to 3991 of its 5993 characters");
  });

  it("names a header left out (or cut) by at most 40 characters of its name, so the note stays short too", () => {
    // Header names are the upstream's to choose: twelve of 1,200 characters were all written out in the note.
    const headers: Record<string, string> = {};
    for (let i = 10; i < 22; i++) headers[`x-${i}-${"n".repeat(1200)}`] = "v".repeat(200);
    const { shown, note = "" } = boundHeaders(headers);
    expect(lines(shown)).toBeLessThanOrEqual(MAX_SHOWN_HEADER_CHARS);
    expect(note.length).toBeLessThan(1000);
    expect(Object.keys(shown)).toHaveLength(2);
    expect(note).toContain(`left out: x-12-${"n".repeat(35)}…, x-13-${"n".repeat(35)}…, x-14-`);
  });

  it("leaves out a header with too little room left to be worth cutting, and keeps a later one that fits", () => {
    const { shown, note } = boundHeaders(
      { link: "l".repeat(3950), "x-request-id": "r".repeat(100), etag: '"e"' },
      4000,
    );
    expect(shown).toEqual({ link: "l".repeat(3950), etag: '"e"' });
    expect(note).toContain("left out: x-request-id (1 header, 115 characters)");
  });
});

describe("boundUrlLine", () => {
  const frame = "url:  (after 2 redirects)\n".length;

  it("shows a final URL whole when it and the headers fit in the bound, with no note", () => {
    const url = `https://x.test/a?q=${"q".repeat(3000)}`;
    expect(boundUrlLine(url, 2, 500)).toEqual({
      url,
      line: `url: ${url} (after 2 redirects)`,
      chars: frame + url.length,
    });
  });

  it("cuts a long one to the room the headers leave, the line and headers together within the bound", () => {
    // A redirect to a URL with a 15,000-character query made a 15,053-character line beside the 4,000 of headers.
    const url = `https://x.test/a?q=${"q".repeat(15000)}`;
    const { url: shown, line, chars, note } = boundUrlLine(url, 2, 300);
    const kept = MAX_SHOWN_HEADER_CHARS - frame - 300 - 1;
    expect(shown).toBe(`${url.slice(0, kept)}…`);
    expect(line).toBe(`url: ${shown} (after 2 redirects)`);
    expect(chars + 300).toBe(MAX_SHOWN_HEADER_CHARS);
    expect(note).toBe(
      `[url: the final URL is ${url.length} characters, cut here and in structuredContent's url to its first ${kept}: the url line and the response headers take at most ${MAX_SHOWN_HEADER_CHARS} characters of a result]`,
    );
  });

  it("keeps at least MIN_SHOWN_URL_CHARS of it when the headers would take all the room, never half a surrogate pair", () => {
    const url = `https://x.test/${"a".repeat(MIN_SHOWN_URL_CHARS - 16)}😀${"b".repeat(5000)}`;
    const { url: shown, note } = boundUrlLine(url, 1, MAX_SHOWN_HEADER_CHARS);
    expect(shown).toBe(`${url.slice(0, MIN_SHOWN_URL_CHARS - 1)}…`);
    expect(note).toContain(`to its first ${MIN_SHOWN_URL_CHARS - 1}:`);
  });

  it("shows one no longer than MIN_SHOWN_URL_CHARS whole, with no `…` or note, when the headers take the room", () => {
    // A 1,500-character signed URL beside 3,000 characters of headers came back as the URL and `…`, "cut".
    const url = `https://x.test/cb?state=${"s".repeat(1476)}`;
    const frame1 = "url:  (after 1 redirect)\n".length;
    expect(boundUrlLine(url, 1, 3000)).toEqual({
      url,
      line: `url: ${url} (after 1 redirect)`,
      chars: frame1 + url.length,
    });
  });
});

describe("boundHeaders beside a url line", () => {
  it("bounds the headers to what the url line leaves, and says so", () => {
    const { shown, note } = boundHeaders({ "content-type": "text/plain", link: "l".repeat(3000) }, 4000, 2030);
    expect(shown).toEqual({ "content-type": "text/plain", link: `${"l".repeat(1937)}…` });
    expect(note).toBe(
      "[response headers: 3032 characters of them, more than the 1970 left beside the url line of the 4000 a result shows, so link cut to 1937 of its 3000 characters]",
    );
  });
});
