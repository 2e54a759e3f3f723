import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { REPO, run, textOf } from "./helpers.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const AGENT_BIN = join(REPO, "packages/agent/dist/cli.cjs");

/** One stdio server entry, as Claude Desktop reads it. */
interface Entry {
  command: string;
  args?: string[];
  env?: Record<string, string>;
}

/**
 * Start a server the way Claude Desktop does: its command and args, its env on top of a minimal one,
 * from a working directory the user does not choose (here "/"). Returns the names of its tools.
 */
async function startLikeClaudeDesktop(entry: Entry): Promise<{ client: Client; tools: string[] }> {
  const client = new Client({ name: "claude-config-test", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({
      command: entry.command,
      args: entry.args ?? [],
      env: { ...getDefaultEnvironment(), ...entry.env },
      cwd: "/",
      stderr: "pipe",
    }),
  );
  const { tools } = await client.listTools();
  return { client, tools: tools.map((t) => t.name) };
}

/**
 * Read a `claude mcp add … NAME -- COMMAND ARGS…` line the way Claude Code's option parser does: `-e/--env`
 * takes every following word up to the next option or `--`, and each must be KEY=VALUE. (Claude Code 2.1
 * answers "Invalid environment variable format: NAME" when the name comes right after `--env KEY=VALUE`.)
 */
function parseClaudeMcpAdd(line: string): {
  name: string;
  env: Record<string, string>;
  command: string;
  args: string[];
} {
  const [head = "", tail = ""] = line.split(" -- ");
  const words = head.split(" ").slice(3);
  const env: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (word === "--env" || word === "-e") {
      while (i + 1 < words.length && !(words[i + 1] as string).startsWith("-")) {
        const pair = words[++i] as string;
        expect(pair, `--env takes KEY=VALUE words only, so "${pair}" would be read as one`).toMatch(/^[A-Z_]\w*=/);
        env[pair.slice(0, pair.indexOf("="))] = pair.slice(pair.indexOf("=") + 1);
      }
    } else if (["--transport", "-t", "--scope", "-s"].includes(word)) i++;
    else positionals.push(word);
  }
  expect(positionals, `one server name in: ${line}`).toHaveLength(1);
  const [command = "", ...args] = tail.split(" ");
  return { name: positionals[0] as string, env, command, args };
}

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "mcp-claude-config-"));
  await writeFile(join(workspace, "marker.txt"), "the workspace given to --workspace\n");
});
afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

/** Each server, started from the printed config, lists its tools and works on the workspace it was given. */
async function checkServers(servers: Record<string, Entry>): Promise<void> {
  expect(Object.keys(servers).sort()).toEqual(["api", "db", "file"]);
  await Promise.all(Object.entries(servers).map(([name, entry]) => checkServer(name, entry)));
}

async function checkServer(name: string, entry: Entry): Promise<void> {
  // Claude Desktop starts servers from a working directory you do not choose: the script it runs must be an absolute
  // path to a bin the documented build made.
  const script = entry.args?.[0] ?? "";
  expect(script, `${name}: the script node runs must be absolute`).toMatch(/^\/.*\.cjs$/);
  expect(existsSync(script), `${name}: ${script} exists after pnpm build`).toBe(true);
  const { client, tools } = await startLikeClaudeDesktop(entry);
  try {
    expect(tools.length, `${name} lists tools`).toBeGreaterThan(0);
    if (name === "file") {
      const listing = await client.callTool({ name: "list_directory", arguments: { path: "." } });
      expect(textOf(listing)).toContain("marker.txt");
    }
    if (name === "db") {
      const tables = await client.callTool({ name: "list_tables", arguments: {} });
      expect(tables.isError).toBeFalsy();
    }
  } finally {
    await client.close();
  }
}

/**
 * With the database in the workspace, the filesystem server must not reach it while the SQLite server has it open:
 * a model deleting `data.db-wal` would lose committed rows, and a write over `data.db` would corrupt it.
 */
async function checkDatabaseHidden(servers: Record<string, Entry>): Promise<void> {
  const db = await startLikeClaudeDesktop(servers.db as Entry);
  const file = await startLikeClaudeDesktop(servers.file as Entry);
  try {
    const created = await db.client.callTool({
      name: "execute_write",
      arguments: { sql: "CREATE TABLE IF NOT EXISTS kept (id INTEGER PRIMARY KEY)" },
    });
    expect(created.isError).toBeFalsy();
    expect(await readdir(workspace)).toEqual(expect.arrayContaining(["data.db", "data.db-wal"]));

    const listing = textOf(await file.client.callTool({ name: "list_directory", arguments: { path: "." } }));
    expect(listing).toContain("marker.txt");
    expect(listing).not.toContain("data.db");
    const { resources } = await file.client.listResources();
    expect(resources.map((r) => r.uri).filter((uri) => uri.includes("data.db"))).toEqual([]);
    for (const path of ["data.db", "data.db-wal"]) {
      const deleted = await file.client.callTool({ name: "delete_file", arguments: { path } });
      expect(deleted.isError, `delete_file ${path}`).toBe(true);
    }
    expect(await readdir(workspace)).toEqual(expect.arrayContaining(["data.db", "data.db-wal"]));
  } finally {
    await file.client.close();
    await db.client.close();
  }
}

/** Run the built agent's --print-config from cwd /, with no API key (printing a config needs none). */
async function printConfig(kind: "claude-desktop" | "claude-code"): Promise<string> {
  const env = { ...process.env };
  delete env.ANTHROPIC_API_KEY;
  delete env.ANTHROPIC_AUTH_TOKEN;
  const printed = await run(process.execPath, [AGENT_BIN, "--print-config", kind, "--workspace", workspace], {
    cwd: "/",
    env,
  });
  expect(printed.stderr).toBe("");
  expect(printed.code).toBe(0);
  return printed.stdout;
}

describe("the agent's printed Claude registration", () => {
  let desktop: Record<string, Entry>;

  it("--print-config claude-desktop starts each server from cwd /", async () => {
    desktop = (JSON.parse(await printConfig("claude-desktop")) as { mcpServers: Record<string, Entry> }).mcpServers;
    await checkServers(desktop);
    // The database lives in the workspace, whatever the cwd was.
    expect(await readdir(workspace)).toContain("data.db");
    await checkDatabaseHidden(desktop);
  });

  it("--print-config claude-code prints `claude mcp add` lines that register the same servers", async () => {
    const lines = (await printConfig("claude-code")).trim().split("\n");
    const servers: Record<string, Entry> = {};
    for (const line of lines) {
      expect(line).toMatch(/^claude mcp add .* -- \S+/);
      const { name, env, command, args } = parseClaudeMcpAdd(line);
      servers[name] = { command, args, env };
    }
    // Same command, args and env as the Desktop entries, which the test above started for real, but for the caps that
    // keep the largest SQL reply and page under Claude Code's MAX_MCP_OUTPUT_TOKENS.
    const claudeCodeCaps: Record<string, string[]> = { db: ["--max-bytes=60000"], api: ["--max-length-limit=60000"] };
    const expected = Object.fromEntries(
      Object.entries(desktop).map(([name, e]) => [
        name,
        { ...e, args: [...(e.args ?? []), ...(claudeCodeCaps[name] ?? [])] },
      ]),
    );
    expect(servers).toEqual(expected);
  });
});

describe("examples/claude_desktop_config.json", () => {
  it("starts each server from cwd / once its placeholders are filled in", async () => {
    const text = readFileSync(join(REPO, "examples/claude_desktop_config.json"), "utf8")
      .replaceAll("/ABSOLUTE/PATH/TO/mcp-toolkit", REPO)
      .replaceAll("/ABSOLUTE/PATH/TO/YOUR/WORKSPACE", workspace);
    expect(text).not.toContain("/ABSOLUTE/PATH");
    const config = JSON.parse(text) as { mcpServers: Record<string, Entry> };
    await checkServers(config.mcpServers);
  });

  it("keeps the database in the workspace out of the filesystem server's reach", async () => {
    const text = readFileSync(join(REPO, "examples/claude_desktop_config.json"), "utf8")
      .replaceAll("/ABSOLUTE/PATH/TO/mcp-toolkit", REPO)
      .replaceAll("/ABSOLUTE/PATH/TO/YOUR/WORKSPACE", workspace);
    await checkDatabaseHidden((JSON.parse(text) as { mcpServers: Record<string, Entry> }).mcpServers);
  });

  it("needs the workspace folder made first, as the README says: the file server names the missing root", async () => {
    const missing = join(workspace, "not-made-yet");
    const entry = (
      JSON.parse(
        readFileSync(join(REPO, "examples/claude_desktop_config.json"), "utf8")
          .replaceAll("/ABSOLUTE/PATH/TO/mcp-toolkit", REPO)
          .replaceAll("/ABSOLUTE/PATH/TO/YOUR/WORKSPACE", missing),
      ) as { mcpServers: Record<string, Entry> }
    ).mcpServers.file as Entry;
    const started = await run(entry.command, entry.args ?? [], {
      cwd: "/",
      env: { ...getDefaultEnvironment(), ...entry.env },
    });
    expect(started.code).toBe(2);
    expect(started.stderr).toContain(`${missing} does not exist`);
  });
});
