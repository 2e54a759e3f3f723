// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the mcp.json syntax under test
import { describe, expect, it } from "vitest";
import { expandVars } from "../src/expand.js";

const env = { HOME: "/home/u", TOKEN: "t0k", EMPTY: "" };

describe("expandVars", () => {
  it.each([
    ["${HOME}/x", "/home/u/x"],
    ["a${TOKEN}b${TOKEN}", "at0kbt0k"],
    ["${MISSING:-fallback}", "fallback"],
    ["${EMPTY:-d}", "d"],
    ["$HOME stays", "$HOME stays"],
    ["no vars", "no vars"],
  ])("%j → %j", (input, expected) => {
    expect(expandVars(input, env, "x")).toBe(expected);
  });

  it("names a missing variable", () => {
    expect(() => expandVars("${NOPE}", env, "mcpServers.a.args[0]")).toThrow(
      /mcpServers\.a\.args\[0\]: \$\{NOPE\} is not set/,
    );
  });
});
