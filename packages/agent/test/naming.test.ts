import { describe, expect, it } from "vitest";
import { API_TOOL_NAME, namespaceTools, sanitizeToolName, serverNameProblem } from "../src/naming.js";

const long = "a_really_long_tool_name_that_goes_on_and_on_well_beyond_the_sixty_four_limit";

describe("namespaceTools", () => {
  it.each([
    ["plain names join with a double underscore", [["file", "read_file"]], ["file__read_file"]],
    [
      "seed names stay as they were",
      [
        ["db", "execute_query"],
        ["api", "http_get"],
      ],
      ["db__execute_query", "api__http_get"],
    ],
    [
      "dots and slashes become underscores",
      [
        ["gh", "repos.get"],
        ["gh", "a/b"],
      ],
      ["gh__repos_get", "gh__a_b"],
    ],
    ["non-ASCII becomes underscores", [["x", "café"]], ["x__caf_"]],
    [
      "a collision after sanitizing gets a hash",
      [
        ["gh", "a.b"],
        ["gh", "a_b"],
      ],
      ["gh__a_b", /^gh__a_b_[0-9a-f]{6}$/],
    ],
    [
      "same tool name on two servers does not collide",
      [
        ["a", "t"],
        ["b", "t"],
      ],
      ["a__t", "b__t"],
    ],
    [
      "a name over 64 is cut and hashed",
      [["fx", long]],
      [/^fx__a_really_long_tool_name_that_goes_on_and_on_well_beyo_[0-9a-f]{6}$/],
    ],
    ["an empty tool name still yields a valid name", [["x", ""]], ["x__tool"]],
  ])("%s", (_label, input, expected) => {
    const named = namespaceTools(input.map(([server, name]) => ({ server: server as string, name: name as string })));
    expect(named).toHaveLength(expected.length);
    named.forEach((n, i) => {
      const want = expected[i];
      if (want instanceof RegExp) expect(n.apiName).toMatch(want);
      else expect(n.apiName).toBe(want);
      expect(n.apiName).toMatch(API_TOOL_NAME);
      // Mapped back to the original names.
      expect([n.server, n.tool]).toEqual(input[i]);
    });
  });

  it("is deterministic and keeps every name unique and valid, even for many long colliding names", () => {
    const tools = Array.from({ length: 50 }, (_, i) => ({
      server: "s".repeat(32),
      name: `${long}${i % 2 ? "." : "_"}${i}`,
    }));
    const a = namespaceTools(tools).map((n) => n.apiName);
    const b = namespaceTools(tools).map((n) => n.apiName);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
    for (const name of a) expect(name).toMatch(API_TOOL_NAME);
  });

  it.each([
    ["Reads a file.", "[file] Reads a file."],
    ["  padded  ", "[file] padded"],
    [undefined, "[file] read_file"],
    [42 as unknown as string, "[file] read_file"],
    ["d".repeat(5000), `[file] ${"d".repeat(2047)}…`],
  ])("prefixes the description with the server, cut at 2048 characters (%#)", (description, expected) => {
    expect(namespaceTools([{ server: "file", name: "read_file", description }])[0]?.description).toBe(expected);
  });
});

describe("serverNameProblem and sanitizeToolName", () => {
  it.each([
    ["file", true],
    ["my-server", true],
    ["my_server", true],
    ["a".repeat(32), true],
    ["a".repeat(33), false],
    ["", false],
    ["two__parts", false],
    ["has space", false],
    ["dot.ted", false],
    ["ünï", false],
    // Kept for the agent's own tools, mcp__list_resources and mcp__read_resource.
    ["mcp", false],
    ["mcp2", true],
  ])("server name %j valid: %s", (name, valid) => {
    expect(serverNameProblem(name) === undefined).toBe(valid);
  });

  it.each([
    ["my.server", 'rename it, e.g. "my-server"'],
    ["io.github.user/notes server", 'rename it, e.g. "io-github-user-notes-server"'],
    ["github-enterprise-server-production-1", 'rename it, e.g. "github-enterprise-server-product"'],
    ["two__parts", 'rename it, e.g. "two_parts"'],
    ["ünï", undefined],
    ["", undefined],
  ])("an unfit server name %j: the refusal suggests %j", (name, suggestion) => {
    const problem = serverNameProblem(name);
    expect(problem).toMatch(/must be 1-32 letters, digits/);
    if (suggestion === undefined) expect(problem).not.toMatch(/rename it/);
    else expect(problem).toMatch(new RegExp(`; ${suggestion.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  });

  it.each([
    ["read_file", "read_file"],
    ["a-b", "a-b"],
    ["a b", "a_b"],
    ["", "tool"],
  ])("sanitizeToolName(%j) = %j", (input, expected) => {
    expect(sanitizeToolName(input)).toBe(expected);
  });
});
