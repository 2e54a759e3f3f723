import { UsageError } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { duplicateKey, readServersJson } from "../src/servers-json.js";

const read = (text: string) => () => readServersJson(text, "mcp.json");

describe("readServersJson (what to write instead, for JSON as users paste it)", () => {
  it.each([
    [
      '{\n  // my servers\n  "mcpServers": {}\n}',
      /line 2, column 3\); line 2, column 3: JSON has no comments: remove it\)$/,
    ],
    ['{"mcpServers": {} /* none yet */}', /JSON has no comments: remove it\)$/],
    [
      '{\n  "mcpServers": {\n    "a": {"command": "node",},\n  }\n}',
      /line 3, column 29\); line 3, column 28: JSON allows no comma before a closing \}: remove it\)$/,
    ],
    [
      '{"mcpServers": {"a": {"command": "node", "args": ["x",\n]}}}',
      /^[^\n]*; line 1, column 54: JSON allows no comma before a closing \]: remove it\)$/,
    ],
    [
      '{"mcpServers": {"a": {"command": "node", "args": ["--x=a,}"]},}}',
      /line 1, column 62: JSON allows no comma before a closing \}/,
    ],
    ["{'mcpServers': {}}", /line 1, column 2: JSON strings and keys take double quotes\)$/],
  ])("names the slip in %j and says what to do", (text, message) => {
    expect(read(text)).toThrow(UsageError);
    expect(read(text)).toThrow(/^mcp\.json: not valid JSON \(/);
    expect(read(text)).toThrow(message);
  });

  it.each([
    [
      '{"servers": {"a": {"type": "stdio", "command": "node"}}}',
      /"servers" is VS Code's key .* rename it "mcpServers"/,
    ],
    ['{"notes": {"command": "node"}}', /"notes" is at the top level; put the servers inside "mcpServers"/],
    ['{"mcpServers": [{"command": "node"}]}', /mcpServers is a list; make it an object keyed by server name/],
    ['{"mcpServers": "a"}', /mcpServers must be an object/],
    ["[]", /expected \{"mcpServers"/],
    ["{}", /expected \{"mcpServers"/],
  ])("says what shape to give %j", (text, message) => {
    expect(read(text)).toThrow(message);
  });

  it("refuses a server given twice, naming both lines, rather than losing the first", () => {
    const text =
      '{"mcpServers": {\n  "a": {"command": "one"},\n  "b": {"command": "two"},\n  "a": {"command": "three"}\n}}';
    expect(read(text)).toThrow(
      /^mcp\.json: mcpServers\.a is given twice \(lines 2 and 4\), and JSON would keep only the last; rename or remove one$/,
    );
  });

  it.each([
    ['{"mcpServers": {"a": {"command": "x", "env": {"K": "1", "K": "2"}}}}', "mcpServers.a.env.K"],
    ['{"mcpServers": {}, "mcpServers": {"a": {"command": "x"}}}', "mcpServers"],
    ['{"mcpServers": {"my.server": {"command": "x"}, "my.server": {"url": "u"}}}', 'mcpServers."my.server"'],
    ['{"mcpServers": {"a": {"args": ["a", "a"], "command": "x\\"", "url": "x"}, "b": {"command": "x"}}}', undefined],
    ['{"mcpServers": {"a": {"command": "\\u0078"}}, "mcpServers2": {"a": 1, "a": 2}}', undefined],
    ['{"preferences": {"x": 1, "x": 2}, "mcpServers": {}}', undefined],
  ])("finds a key given twice in %j", (text, path) => {
    expect(duplicateKey(text, "mcpServers")?.path).toBe(path);
  });

  it("reads a file saved with a byte order mark", () => {
    expect(readServersJson('\uFEFF{"mcpServers": {"n": {"command": "node"}}}', "m.json")).toEqual({
      n: { command: "node" },
    });
  });
});
