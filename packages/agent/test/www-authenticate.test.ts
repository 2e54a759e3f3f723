import { describe, expect, it } from "vitest";
import { parseChallenges, REASON_MAX, refusalReason } from "../src/www-authenticate.js";

describe("parseChallenges", () => {
  it.each([
    ["a bare challenge", 'Bearer realm="mcp"', [{ scheme: "Bearer", params: { realm: "mcp" } }]],
    [
      "our servers' refusal of a token",
      'Bearer realm="mcp", error="invalid_token", error_description="the token is not MCP_AUTH_TOKEN; send it"',
      [
        {
          scheme: "Bearer",
          params: {
            realm: "mcp",
            error: "invalid_token",
            error_description: "the token is not MCP_AUTH_TOKEN; send it",
          },
        },
      ],
    ],
    [
      "escaped quotes and backslashes in a quoted string",
      String.raw`Bearer error_description="say \"hi\", then \\ go"`,
      [{ scheme: "Bearer", params: { error_description: 'say "hi", then \\ go' } }],
    ],
    [
      "bare tokens as values, names in any case, spaces around =",
      "bearer ERROR = invalid_token ,Scope=mcp:read",
      [{ scheme: "bearer", params: { error: "invalid_token", scope: "mcp:read" } }],
    ],
    [
      "several challenges in one value",
      'Basic realm="x", Bearer error="invalid_token", Negotiate abc123==',
      [
        { scheme: "Basic", params: { realm: "x" } },
        { scheme: "Bearer", params: { error: "invalid_token" } },
        { scheme: "Negotiate", params: { "": "abc123==" } },
      ],
    ],
    [
      "a scheme with nothing after it, then another",
      'Newauth, Bearer realm="a, b"',
      [
        { scheme: "Newauth", params: {} },
        { scheme: "Bearer", params: { realm: "a, b" } },
      ],
    ],
    [
      "a repeated parameter keeps the first",
      'Bearer error="a", error="b"',
      [{ scheme: "Bearer", params: { error: "a" } }],
    ],
    [
      "an unterminated quoted string runs to the end",
      'Bearer error="oops',
      [{ scheme: "Bearer", params: { error: "oops" } }],
    ],
    ["parameters before any scheme are dropped", 'error="x", Bearer', [{ scheme: "Bearer", params: {} }]],
    ["empty", "", []],
    ["only separators", " , ,, ", []],
    ["garbage", '"""===@@@ \u0000\\', []],
    ["garbage around a challenge", '@@ Bearer error=""; ;', [{ scheme: "Bearer", params: { error: "" } }]],
  ])("%s", (_case, header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });
});

describe("refusalReason", () => {
  it.each([
    [undefined, undefined],
    ["", undefined],
    ['Bearer realm="mcp"', undefined],
    ['Bearer realm="mcp", error="invalid_token"', "invalid_token"],
    ['Bearer error_description="expired"', '"expired"'],
    [
      'Bearer realm="mcp", error="invalid_token", error_description="the token is not MCP_AUTH_TOKEN"',
      'invalid_token: "the token is not MCP_AUTH_TOKEN"',
    ],
    ['Basic realm="x", Bearer error="invalid_token"', "invalid_token"],
    ['Basic error="not bearer"', undefined],
    ['Bearer error="bad\\"token\\"\nline"', 'bad"token" line'],
    [
      'Bearer error="invalid_token", error_description="\u001b]0;pwned\u0007two\nlines"',
      'invalid_token: "]0;pwnedtwo lines"',
    ],
    ["garbage===", undefined],
  ])("%j gives %j", (header, expected) => {
    expect(refusalReason(header)).toBe(expected);
  });

  it("cuts a long description to one bounded line", () => {
    const reason = refusalReason(`Bearer error="invalid_token", error_description="${"x ".repeat(5000)}"`) as string;
    expect(reason).toMatch(/^invalid_token: "x x .*…"$/);
    expect(reason.length).toBeLessThanOrEqual("invalid_token: ".length + REASON_MAX + 2);
  });
});
