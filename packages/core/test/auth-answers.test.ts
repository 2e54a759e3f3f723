import { describe, expect, it } from "vitest";
import { hasQueryToken } from "../src/auth-answers.js";

describe("hasQueryToken", () => {
  it.each([
    ["/mcp?access_token=abc", true],
    ["/mcp?x=1&access_token=", true],
    ["/mcp?access_token", true],
    ["/mcp?access%5Ftoken=abc", true],
    ["/mcp", false],
    [undefined, false],
    ["/mcp?token=abc", false],
    ["/mcp?Access_Token=abc", false],
    ["/access_token", false],
    ["/mcp#access_token=abc", false],
  ])("%s → %s", (url, expected) => {
    expect(hasQueryToken(url)).toBe(expected);
  });
});
