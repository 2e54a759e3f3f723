import { describe, expect, it } from "vitest";
import { commandHint } from "../src/spawn-failure.js";

describe("commandHint (a command written for Windows or for a shell)", () => {
  it.each([
    [
      "cmd",
      ["/c", "npx", "-y", "@modelcontextprotocol/server-filesystem", "C:\\Users\\me\\Desktop"],
      `"cmd /c" is how Windows runs npx; here write "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "C:\\\\Users\\\\me\\\\Desktop"]`,
    ],
    [
      "CMD.EXE",
      ["/C", "uvx", "mcp-server-git"],
      `"cmd /c" is how Windows runs uvx; here write "command": "uvx", "args": ["mcp-server-git"]`,
    ],
    ["npx.cmd", ["-y", "x"], `npx.cmd is Windows's name for it; here write "command": "npx"`],
    [
      "C:\\Program Files\\nodejs\\node.exe",
      ["server.js"],
      "C:\\Program Files\\nodejs\\node.exe is a Windows path; give this machine's (`which node`)",
    ],
    [
      "npx -y @modelcontextprotocol/server-everything",
      ["stdio"],
      `"command" is one program, run without a shell; put the rest in "args": "command": "npx", "args": ["-y", "@modelcontextprotocol/server-everything", "stdio"]`,
    ],
    [
      "node a.js b c d",
      [],
      `"command" is one program, run without a shell; put the rest in "args": "command": "node", "args": ["a.js", "b", "c", …]`,
    ],
  ])("%s %j: says what to write here", (command, args, hint) => {
    expect(commandHint(command, args, "linux")).toBe(hint);
  });

  it.each([
    ["/nonexistent/mcp-server", []],
    ["cmd", ["/k"]],
    ["my.exe.d/server", []],
    ["uvx", ["mcp-server-git"]],
  ])("%s %j: nothing to add to 'command not found'", (command, args) => {
    expect(commandHint(command, args, "linux")).toBeUndefined();
  });

  it("leaves Windows forms alone on Windows", () => {
    expect(commandHint("cmd", ["/c", "npx", "x"], "win32")).toBeUndefined();
    expect(commandHint("npx.cmd", [], "win32")).toBeUndefined();
  });
});
