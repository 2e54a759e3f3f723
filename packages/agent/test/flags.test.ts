import { parseArgs } from "node:util";
import { argvUsageLine } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { sdkRetry } from "../src/api-retry.js";
import { FLAGS, HELP } from "../src/flags.js";
import { resolveConfig } from "../src/resolve-config.js";

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
  // --max-turns, --token-budget and --max-budget-usd all end a run with exit 3: a script reading --help must see all three.
  it("names every limit that exits 3", () => {
    const exit3 = /Exit codes:.*?, 3 ([a-z ,]+?), \d/.exec(HELP)?.[1] ?? "";
    for (const limit of ["turn", "token", "cost"]) expect(exit3).toContain(limit);
  });
});

// --help is what a user reads first: the limits it states are the ones the code applies.
describe("HELP states the limits the code applies", () => {
  const line = (flag: string) => HELP.split("\n").find((l) => l.trimStart().startsWith(`${flag} `)) ?? "";

  it("--thinking: the smallest budget resolveConfig takes", () => {
    let refused = "";
    try {
      resolveConfig({ thinking: "1" }, ["task"], {}, "/p");
    } catch (error) {
      refused = (error as Error).message;
    }
    const minimum = /from (\d+) to/.exec(refused)?.[1];
    expect(minimum).toBeDefined();
    expect(line("--thinking")).toContain(`≥ ${minimum}`);
  });

  it.each([408, 409, 429])("--max-retries: %i, which is retried, is named", (status) => {
    expect(sdkRetry(status, new Headers(), 0, 3, 0)).toBeDefined();
    expect(line("--max-retries")).toContain(String(status));
  });
});
