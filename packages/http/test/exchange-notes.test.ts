import { optionNames } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { resolveCredentials } from "../src/credentials.js";
import { credentialNote, unconvertedNote } from "../src/exchange-notes.js";
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
