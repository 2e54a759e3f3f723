import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { REPO, run, type Started, startUntil, textOf } from "./helpers.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const AGENT_BIN = join(REPO, "packages/agent/dist/cli.cjs");
const TOKEN = "remote-token-for-test";

/** `pnpm agent --list-tools --config examples/mcp.json`, from the repo root, without an API key. */
function listTools(env: NodeJS.ProcessEnv, workspace: string) {
  const clean: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete clean.ANTHROPIC_API_KEY;
  delete clean.ANTHROPIC_AUTH_TOKEN;
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete clean[key];
  return run(process.execPath, [AGENT_BIN, "--list-tools", "--config", "examples/mcp.json", "--workspace", workspace], {
    cwd: REPO,
    env: clean,
  });
}

describe("examples/mcp.json adds servers to the agent", () => {
  let workspace: string;
  let remote: Started;
  let remoteUrl: string;

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), "mcp-json-"));
    // The "remote" entry's server: SQLite over stateless Streamable HTTP, as the Dockerfile runs it.
    remote = await startUntil(
      process.execPath,
      [
        join(REPO, "packages/sqlite/dist/cli.cjs"),
        "--transport",
        "http",
        "--port",
        "0",
        "--db",
        join(workspace, "r.db"),
      ],
      /Streamable HTTP at (http:\/\/\S+)/,
      { env: { ...process.env, MCP_AUTH_TOKEN: TOKEN } },
    );
    remoteUrl = remote.match[1] as string;
  });

  afterAll(async () => {
    await remote?.stop();
    await rm(workspace, { recursive: true, force: true });
  });

  it("a second, read-only filesystem server and a remote server by URL with a bearer header", async () => {
    const { code, stdout, stderr } = await listTools({ REMOTE_MCP_URL: remoteUrl, REMOTE_MCP_TOKEN: TOKEN }, workspace);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const names = stdout.split("\n").map((line) => line.split(/\s+/)[0]);
    expect(names).toContain("file__write_file"); // the built-in servers are still there
    expect(names).toContain("repo__read_file");
    expect(names).not.toContain("repo__write_file"); // --read-only
    expect(names).toContain("remote__execute_query");
  });

  it("an unset token variable leaves out the entry that needs it, naming the variable; the others still start", async () => {
    const { code, stdout, stderr } = await listTools(
      { REMOTE_MCP_URL: remoteUrl, REMOTE_MCP_TOKEN: undefined },
      workspace,
    );
    expect(code).toBe(0);
    expect(stderr).toContain('server "remote" was not started');
    expect(stderr).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: mcp.json's own ${VAR} syntax, quoted back.
      "${REMOTE_MCP_TOKEN} is not set; export REMOTE_MCP_TOKEN=… or write ${REMOTE_MCP_TOKEN:-default}",
    );
    expect(stdout).toContain("repo__read_file");
    expect(stdout).not.toContain("remote__");
  });

  it("the repo server keeps the agent's workspace (its audit log and database), node_modules and .git hidden", async () => {
    const config = JSON.parse(readFileSync(join(REPO, "examples/mcp.json"), "utf8")) as {
      mcpServers: { repo: { command: string; args: string[] } };
    };
    const { command, args } = config.mcpServers.repo;
    // As the agent starts it: from the repository root, where `pnpm agent` runs.
    const client = new Client({ name: "mcp-json-test", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command, args, cwd: REPO, stderr: "pipe" }));
    try {
      const listing = await client.callTool({ name: "list_directory", arguments: { path: "." } });
      const names = (listing.structuredContent as { entries: { name: string }[] }).entries.map((e) => e.name);
      expect(names).toContain("README.md");
      expect(names.filter((name) => ["workspace", "node_modules", ".git"].includes(name))).toEqual([]);
      // workspace/.gitkeep is in every clone: the agent's .agent/audit.jsonl and data.db sit beside it.
      const kept = await client.callTool({ name: "read_file", arguments: { path: "workspace/.gitkeep" } });
      expect(kept.isError).toBe(true);
      expect(textOf(kept)).toContain("--hide");
    } finally {
      await client.close();
    }
  });
});
