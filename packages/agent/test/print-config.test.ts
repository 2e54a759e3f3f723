import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { describe, expect, it } from "vitest";
import { builtinServers } from "../src/builtin-servers.js";
import { claudeCodeCommands, desktopConfig, shellQuote } from "../src/print-config.js";
import { ProcessTransport } from "../src/process-transport.js";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.cjs");

describe("--print-config", () => {
  // A workspace that does not exist yet, printed by the built bin run from /, its name one path with ':' and ',' in
  // it. Split on ':', it is two absolute folders that exist, each holding a decoy, so a split would serve one.
  const dir = mkdtempSync(join(tmpdir(), "agent-print-"));
  const workspace = `${dir}/new:${dir}/work, 'space" $x`;
  for (const decoy of ["new", `work, 'space" $x`]) {
    mkdirSync(join(dir, decoy));
    writeFileSync(join(dir, decoy, "decoy.txt"), "wrong root");
  }
  const print = (args: string[], env: Record<string, string> = {}) =>
    execFileSync(process.execPath, [CLI, "--print-config", "claude-desktop", ...args], {
      cwd: "/",
      env: { PATH: process.env.PATH, ...env },
      encoding: "utf8",
    });
  const printed = print(["--workspace", workspace]);
  const block = JSON.parse(printed);
  writeFileSync(join(workspace, "seen.txt"), "right root");
  writeFileSync(join(workspace, "data.db"), "");

  it("prints the same block for MCP_WORKSPACE as one path, or as the JSON array of one the file server reads", () => {
    expect(print([], { MCP_WORKSPACE: workspace })).toBe(printed);
    expect(print([], { MCP_WORKSPACE: JSON.stringify([workspace]) })).toBe(printed);
  });

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
    expect(block.mcpServers.file.args.slice(1)).toEqual([
      `--root=${workspace}`,
      "--hide=.agent",
      "--hide=data.db",
      "--hide=data.db-wal",
      "--hide=data.db-shm",
      "--hide=data.db-journal",
    ]);
    expect(block.mcpServers.db.args.slice(1)).toEqual([`--db=${join(workspace, "data.db")}`]);
    for (const name of ["file", "db", "api"]) expect(block.mcpServers[name].env).toEqual({});
  });

  it.each(["file", "db", "api"])(
    "starts %s from the printed block with cwd / and answers (file: lists the one workspace, without data.db)",
    async (name) => {
      const client = new Client({ name: "print-config-test", version: "1" });
      try {
        await client.connect(startedAsDesktopWould(block.mcpServers[name]));
        expect(client.getServerVersion()?.name).toMatch(/^mcp-/);
        expect((await client.listTools()).tools.length).toBeGreaterThan(0);
        if (name === "file") {
          const listed = JSON.stringify(await client.callTool({ name: "list_directory", arguments: {} }));
          expect(listed).toContain("seen.txt");
          expect(listed).not.toContain("decoy.txt");
          // The db server's file is its own: the file tools neither list nor touch it.
          expect(listed).not.toContain("data.db");
          const write = await client.callTool({ name: "write_file", arguments: { path: "data.db", content: "x" } });
          expect(write.isError).toBe(true);
          expect(JSON.stringify(write.content)).toContain("--hide");
        }
      } finally {
        await client.close();
      }
    },
  );

  it("--read-only on a fresh workspace: the printed db server starts (its empty database is made, as it cannot)", async () => {
    const fresh = join(mkdtempSync(join(tmpdir(), "agent-print-ro-")), "ws");
    const printedReadOnly = JSON.parse(print(["--workspace", fresh, "--read-only"]));
    expect(readFileSync(join(fresh, "data.db"), "utf8")).toBe("");
    const client = new Client({ name: "print-config-test", version: "1" });
    try {
      await client.connect(startedAsDesktopWould(printedReadOnly.mcpServers.db));
      expect((await client.listTools()).tools.map((t) => t.name)).toContain("execute_query");
    } finally {
      await client.close();
    }
  });

  it("says on stderr when it created the workspace, as a run does, so a mistyped --workspace is seen", () => {
    const parent = mkdtempSync(join(tmpdir(), "agent-print-new-"));
    const fresh = join(parent, "ws");
    const run = () =>
      spawnSync(process.execPath, [CLI, "--print-config", "claude-code", "--workspace", fresh], {
        cwd: "/",
        env: { PATH: process.env.PATH },
        encoding: "utf8",
      });
    const first = run();
    expect(first.status).toBe(0);
    expect(first.stderr).toBe(`mcp-agent: created the workspace ${fresh} (it did not exist)\n`);
    expect(first.stdout).toMatch(/^claude mcp add /);
    expect(run().stderr).toBe("");
    rmSync(parent, { recursive: true });
  });

  it("says that ./mcp.json is not read when --config names another file, and prints that file's choices", () => {
    const folder = mkdtempSync(join(tmpdir(), "agent-print-two-"));
    writeFileSync(join(folder, "mcp.json"), JSON.stringify({ mcpServers: { notes: { command: "notes-server" } } }));
    writeFileSync(join(folder, "other.json"), JSON.stringify({ mcpServers: { db: { disabled: true } } }));
    const r = spawnSync(
      process.execPath,
      [CLI, "--print-config", "claude-desktop", "--config", "other.json", "--workspace", join(folder, "ws")],
      { cwd: folder, env: { PATH: process.env.PATH }, encoding: "utf8" },
    );
    expect(r.status).toBe(0);
    expect(r.stderr.split("\n")[0]).toBe(
      "mcp-agent: ./mcp.json is not read, as --config other.json is given (one servers file is read, not both); to use its servers too, copy them into other.json",
    );
    expect(Object.keys(JSON.parse(r.stdout).mcpServers)).toEqual(["file", "api"]);
    rmSync(folder, { recursive: true });
  });

  it("prints claude mcp add lines with quoted paths", () => {
    const lines = claudeCodeCommands(builtinServers("/tmp/my ws", { readOnly: true })).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^claude mcp add --transport stdio --scope user file --env MCP_READ_ONLY=1 -- node \/\S+\/filesystem\/dist\/cli\.cjs '--root=\/tmp\/my ws' --hide=.agent --hide=data.db --hide=data.db-wal --hide=data.db-shm --hide=data.db-journal$/,
    );
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    // Under Claude Code's MAX_MCP_OUTPUT_TOKENS: the largest SQL reply and page, not the 100,000 defaults.
    expect(lines[1]).toMatch(/ -- node \/\S+\/sqlite\/dist\/cli\.cjs '--db=\/tmp\/my ws\/data\.db' --max-bytes=60000$/);
    expect(lines[2]).toMatch(/ -- node \/\S+\/http\/dist\/cli\.cjs --max-length-limit=60000$/);
    // Claude Desktop's block is left as it is.
    const desktop = desktopConfig(builtinServers("/tmp/my ws")).mcpServers;
    expect(JSON.stringify(desktop)).not.toMatch(/max-bytes|max-length-limit/);
  });
});

/** A printed server entry started as Claude Desktop starts it: its command, args and env, in /. */
function startedAsDesktopWould(printed: unknown): ProcessTransport {
  const entry = printed as { command: string; args: string[]; env: Record<string, string> };
  return new ProcessTransport({
    command: entry.command,
    args: entry.args,
    env: { PATH: process.env.PATH, ...entry.env },
    cwd: "/",
  });
}
