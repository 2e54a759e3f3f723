// The README says what our 19 tool definitions cost the model, against the official filesystem server's 14. The
// model sees each tool's name, description and input schema; this measures exactly that, from the built bins, so
// the README's figures cannot drift from the tools' real descriptions.

import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { REPO } from "./helpers.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-tool-context-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The tools a stdio server lists: how many, their names, and the bytes of their name, description and input schema. */
async function modelFacing(script: string, args: string[]): Promise<{ count: number; bytes: number; names: string[] }> {
  const client = new Client({ name: "tool-context-test", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [script, ...args], stderr: "pipe" }),
  );
  try {
    const { tools } = await client.listTools();
    const seen = tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema }));
    return { count: tools.length, bytes: Buffer.byteLength(JSON.stringify(seen)), names: tools.map((t) => t.name) };
  } finally {
    await client.close();
  }
}

describe("the README's tool-definition sizes", () => {
  it("match our three servers' 19 tools and the official filesystem server's 14", async () => {
    const ours = await Promise.all([
      modelFacing(join(REPO, "packages/filesystem/dist/cli.cjs"), ["--root", dir]),
      modelFacing(join(REPO, "packages/sqlite/dist/cli.cjs"), ["--db", join(dir, "data.db")]),
      modelFacing(join(REPO, "packages/http/dist/cli.cjs"), []),
    ]);
    const official = await modelFacing(
      join(REPO, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"),
      [dir],
    );
    const count = ours.reduce((n, s) => n + s.count, 0);
    const bytes = ours.reduce((n, s) => n + s.bytes, 0);
    expect(count).toBe(19);
    expect(official.count).toBe(14);
    expect(bytes).toBeLessThan(official.bytes);

    // The README's table of tools has a row for each (a re-padding once replaced 16 of them with separator lines).
    const rows = readFileSync(join(REPO, "README.md"), "utf8")
      .split("\n")
      .map((line) => /^\| [a-z ]+ \| `([a-z_]+)` +\| \S/.exec(line)?.[1])
      .filter((name) => name !== undefined);
    expect(rows.sort()).toEqual(ours.flatMap((server) => server.names).sort());

    const readme = readFileSync(join(REPO, "README.md"), "utf8").replace(/\s+/g, " ");
    const claim = /All 19 tool definitions .*?\((\d+\.\d) kB against (\d+\.\d) kB of JSON\b/.exec(readme);
    expect(claim, "the README's sentence comparing the sizes").not.toBeNull();
    // Within 0.1 kB: a one-word description edit need not touch the README, a new sentence must.
    expect(Math.abs(Number(claim?.[1]) - bytes / 1000)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(Number(claim?.[2]) - official.bytes / 1000)).toBeLessThanOrEqual(0.1);
  });
});
