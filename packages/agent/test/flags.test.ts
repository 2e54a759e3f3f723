import { parseArgs } from "node:util";
import { argvUsageLine } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { FLAGS, HELP } from "../src/flags.js";

/** The one line the bin prints for argv that does not parse. */
function usageLine(args: string[]): string | undefined {
  try {
    parseArgs({ args, options: FLAGS, allowPositionals: true, strict: true });
    return undefined;
  } catch (error) {
    return argvUsageLine(args, FLAGS, error);
  }
}

describe("FLAGS", () => {
  it.each([
    [["--login"], "--login needs a value, as in --login NAME (see --help)"],
    [["--logout"], "--logout needs a value, as in --logout NAME (see --help)"],
  ])("%j: the value is named for what it is", (args, line) => {
    expect(usageLine(args)).toBe(line);
  });
});

describe("HELP", () => {
  // The api server refuses loopback and private addresses unless allowed: "any" alone would promise them.
  it("says --allow-hosts defaults to any public host, as the READMEs do", () => {
    expect(HELP).toMatch(/--allow-hosts LIST[^[]*\[MCP_HTTP_ALLOW_HOSTS, any public host\]\n/);
  });
});
