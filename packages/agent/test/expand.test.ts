// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the mcp.json syntax under test
import { UsageError } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { expandMap, expandVars } from "../src/expand.js";

// The syntax itself (defaults, one pass, what is not a reference) is core's, tested in core/test/env-refs.test.ts.
const env = { HOME: "/home/u", TOKEN: "t0k", EMPTY: "" };

describe("expandVars", () => {
  it("expands ${VAR} and ${VAR:-default}", () => {
    expect(expandVars("${HOME}/x ${MISSING:-d} ${EMPTY:-e}", env, "x")).toBe("/home/u/x d e");
    expect(expandMap({ A: "${TOKEN}", B: "b" }, env, "x.env")).toEqual({ A: "t0k", B: "b" });
  });

  it("names where a missing variable is, and how to mend it, as a usage error", () => {
    expect(() => expandVars("${NOPE}", env, "mcpServers.a.args[0]")).toThrow(UsageError);
    expect(() => expandVars("${NOPE}", env, "mcpServers.a.args[0]")).toThrow(
      "mcpServers.a.args[0]: ${NOPE} is not set; export NOPE=… or write ${NOPE:-default}",
    );
    expect(() => expandMap({ K: "${EMPTY}" }, env, "m.env")).toThrow("m.env.K: ${EMPTY} is not set");
  });
});
