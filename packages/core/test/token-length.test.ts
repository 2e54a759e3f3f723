import { describe, expect, it } from "vitest";
import { MIN_TOKEN_CHARS, shortTokenWarning } from "../src/token-length.js";

describe("shortTokenWarning", () => {
  it.each<[string, string, string | undefined]>([
    ["", "MCP_AUTH_TOKEN", "MCP_AUTH_TOKEN is 0 characters: whoever reaches the port can try to guess one so short"],
    ["s3cret", "MCP_AUTH_TOKEN", "MCP_AUTH_TOKEN is 6 characters"],
    ["x".repeat(MIN_TOKEN_CHARS - 1), "serveHttp's token", `serveHttp's token is ${MIN_TOKEN_CHARS - 1} characters`],
    ["x".repeat(MIN_TOKEN_CHARS), "MCP_AUTH_TOKEN", undefined],
    ["0123456789abcdef".repeat(4), "serveHttp's token", undefined],
  ])("%j as %s", (token, setting, warning) => {
    const said = shortTokenWarning(token, setting);
    if (warning === undefined) expect(said).toBeUndefined();
    else expect(said).toContain(warning);
  });

  it("says how long a token should be and how to make one", () => {
    expect(shortTokenWarning("abc", "MCP_AUTH_TOKEN")).toMatch(
      /use 32 or more random characters \(openssl rand -hex 32\)$/,
    );
  });
});
