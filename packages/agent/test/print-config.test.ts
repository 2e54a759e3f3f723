import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { describe, expect, it } from "vitest";
import { builtinServers } from "../src/config.js";
import { claudeCodeCommands, desktopConfig, shellQuote } from "../src/print-config.js";
import { ProcessTransport } from "../src/process-transport.js";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.cjs");

describe("--print-config", () => {
  // A workspace that does not exist yet, printed by the built bin run from /, its name one path with ':' in it.
  const workspace = join(mkdtempSync(join(tmpdir(), "agent-print-")), `new:work 'space" $x`);
  const printed = execFileSync(process.execPath, [CLI, "--print-config", "claude-desktop", "--workspace", workspace], {
    cwd: "/",
    env: { PATH: process.env.PATH },
    encoding: "utf8",
  });
  const block = JSON.parse(printed);

  it("matches the library's block", () => {
    expect(block).toEqual(JSON.parse(JSON.stringify(desktopConfig(builtinServers(workspace, {})))));
  });

  it("prints a Claude Desktop mcpServers block with node, absolute bin paths and env", () => {
    expect(Object.keys(block.mcpServers)).toEqual(["file", "db", "api"]);
    for (const entry of Object.values(block.mcpServers) as { command: string; args: string[] }[]) {
      expect(entry.command).toBe("node");
      expect(isAbsolute(entry.args[0] as string)).toBe(true);
      expect(entry.args[0]).toMatch(/dist\/cli\.cjs$/);
    }
    expect(block.mcpServers.file.args.slice(1)).toEqual([`--root=${workspace}`, "--hide=.agent"]);
    expect(block.mcpServers.db.args.slice(1)).toEqual([`--db=${join(workspace, "data.db")}`]);
    for (const name of ["file", "db", "api"]) expect(block.mcpServers[name].env).toEqual({});
  });

  it.each(["file", "db", "api"])("starts %s from the printed block with cwd / and answers tools/list", async (name) => {
    const entry = block.mcpServers[name] as { command: string; args: string[]; env: Record<string, string> };
    const transport = new ProcessTransport({
      command: entry.command,
      args: entry.args,
      env: { PATH: process.env.PATH, ...entry.env },
      cwd: "/",
    });
    const client = new Client({ name: "print-config-test", version: "1" });
    try {
      await client.connect(transport);
      expect(client.getServerVersion()?.name).toMatch(/^mcp-/);
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it("prints claude mcp add lines with quoted paths", () => {
    const lines = claudeCodeCommands(builtinServers("/tmp/my ws", { readOnly: true })).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^claude mcp add --transport stdio --scope user file --env MCP_READ_ONLY=1 -- node \/\S+\/filesystem\/dist\/cli\.cjs '--root=\/tmp\/my ws' --hide=.agent$/,
    );
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
