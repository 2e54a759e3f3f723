import { describe, expect, it } from "vitest";
import { routeSdkWarnings } from "../src/sdk-warnings.js";

function fakeConsole() {
  const passed: unknown[][] = [];
  const target = {
    warn: (...args: unknown[]) => {
      passed.push(args);
    },
  };
  return { target, passed };
}

describe("routeSdkWarnings", () => {
  it.each<[string, unknown[], string[], unknown[][]]>([
    [
      "an SDK warning goes to the handler, without its prefix",
      ['[mcp-sdk] OAuth "invalid_client" — retrying'],
      ['OAuth "invalid_client" — retrying'],
      [],
    ],
    ["anything else passes through untouched", ["other", 1], [], [["other", 1]]],
    ["a prefix later in the line is not the SDK's", ["see [mcp-sdk] "], [], [["see [mcp-sdk] "]]],
    ["a non-string first argument passes through", [new Error("x")], [], [[new Error("x")]]],
  ])("%s", (_case, args, routed, passedThrough) => {
    const { target, passed } = fakeConsole();
    const lines: string[] = [];
    routeSdkWarnings(target, (line) => lines.push(line));
    target.warn(...args);
    expect(lines).toEqual(routed);
    expect(passed).toEqual(passedThrough);
  });

  it("drops SDK warnings when there is no handler (no --verbose), and restores the original", () => {
    const { target, passed } = fakeConsole();
    const original = target.warn;
    const restore = routeSdkWarnings(target, undefined);
    target.warn("[mcp-sdk] deprecated");
    expect(passed).toEqual([]);
    restore();
    expect(target.warn).toBe(original);
  });
});
