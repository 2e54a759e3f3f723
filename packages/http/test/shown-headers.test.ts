import { describe, expect, it } from "vitest";
import { shownHeaders } from "../src/shown-headers.js";

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
