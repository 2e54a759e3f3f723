// The package README's Configuration table names every setting of this server with its environment variable and
// default, so a user reading only this package's page sees every limit (the root README is checked by examples/test).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../src/options.js";
import { connect, tempDir } from "./helpers.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The Configuration table's rows as [flag cell, env cell, default cell]. */
function rows(): string[][] {
  const table = README.split("## Configuration")[1]?.split("\n\n")[1] ?? "";
  return table
    .split("\n")
    .filter((line) => line.startsWith("| `--"))
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, 4)
        .map((cell) => cell.trim()),
    );
}

const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

describe("the package README's Configuration table", () => {
  it.each(Object.entries(DEFAULT_LIMITS))("lists %s with its environment variable and default", (key, value) => {
    const name = flag(key);
    const env = `MCP_FS_${name.slice(2).replaceAll("-", "_").toUpperCase()}`;
    expect(rows()).toContainEqual([`\`${name} N\``, `\`${env}\``, String(value)]);
  });

  it.each(["--root", "--read-only", "--hide", "--confirm"])("lists %s", (name) => {
    expect(rows().some(([cell]) => cell?.startsWith(`\`${name}`))).toBe(true);
  });
});

/** The arguments a tool's bullet under Tools names before its colon: `path?`, `edits[{oldText,newText}]` as path, edits. */
function bulletArguments(tool: string): string[] | undefined {
  const line = README.split("\n").find((l) => l.startsWith(`- \`${tool}\` — `));
  const head = line?.slice(`- \`${tool}\` — `.length).split(/(?<=`):\s/)[0];
  return head?.match(/`[^`]+`/g)?.map((arg) => arg.slice(1, -1).replace(/[?[{].*$/, ""));
}

describe("the package README's Tools list", () => {
  it("names every argument each tool takes", async () => {
    const ws = tempDir();
    const session = await connect({ root: ws.dir });
    try {
      const { tools } = await session.client.listTools();
      for (const tool of tools) {
        const names = Object.keys(tool.inputSchema.properties ?? {});
        expect(bulletArguments(tool.name)?.sort(), tool.name).toEqual(names.sort());
      }
    } finally {
      await session.close();
      ws.cleanup();
    }
  });
});
