import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAgent, v1Workspace } from "./fixtures/harness.js";

// The prompts servers offer, read through the pool: here a prompt library too long for the SDK's own walk.

const MANY = join(import.meta.dirname, "fixtures", "many-resources-server.mjs");

describe("a server whose prompt list goes on past 100 pages", () => {
  const servers = {
    big: { command: process.execPath, args: [MANY], env: { PROMPTS: "1005" } },
    small: { command: process.execPath, args: [MANY], env: { PROMPTS: "3" } },
  };
  const notice =
    'mcp-agent: server "big": its prompt list went on past 100 pages; the first 1000 prompts are offered\n';

  it("keeps its first 100 pages' prompts in /help, and says once where the list was cut", async () => {
    const ws = v1Workspace([], servers);
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" };
    const r = await runAgent({ config: ws.config, workspace: ws.dir }, [], env, { stdin: "/help\n/help\n" });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("  /big:p999 — prompt 999\n");
    expect(r.stderr).not.toContain("/big:p1000");
    expect(r.stderr).toContain("  /small:p2 — prompt 2\n");
    expect(r.stderr.split(notice).length - 1).toBe(1);
  });

  it("--list-tools counts the prompts it kept, with the same line", async () => {
    const ws = v1Workspace([], servers);
    const r = await runAgent(
      { config: ws.config, workspace: ws.dir },
      [],
      { PATH: process.env.PATH },
      { listTools: true },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("big: 0 resources, 1000 prompts\n");
    expect(r.stderr).toContain(notice);
  });
});
