// Every flag a bin's --help lists is in the README's settings tables with the same environment variable and
// default, and every flag those tables list is one the bin takes: the README cannot fall behind the bins.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { REPO, run } from "./helpers.js";
import { agentHelp, readmeRow, readmeTable, type Setting, serverHelp } from "./readme-flags.js";

vi.setConfig({ testTimeout: 60_000 });

async function help(bin: string): Promise<string> {
  const { code, stdout } = await run(process.execPath, [join(REPO, "packages", bin, "dist/cli.cjs"), "--help"]);
  expect(code).toBe(0);
  return stdout;
}

/** The differences between what --help says and what the README's rows say, one line each. */
function differences(helped: Setting[], rows: Setting[]): string[] {
  const found: string[] = [];
  for (const option of helped) {
    const row = rows.find((r) => r.flag === option.flag);
    if (!row) {
      found.push(`${option.flag}: in --help, not in the README`);
      continue;
    }
    if (row.env !== option.env) found.push(`${option.flag}: env ${row.env} in the README, ${option.env} in --help`);
    if (option.fallback !== undefined && row.fallback !== option.fallback) {
      found.push(`${option.flag}: default ${row.fallback} in the README, ${option.fallback} in --help`);
    }
  }
  for (const row of rows) {
    if (!helped.some((o) => o.flag === row.flag)) found.push(`${row.flag}: in the README, not in --help`);
  }
  return found;
}

describe("the README's settings tables match each bin's --help", () => {
  it.each([
    ["filesystem", "Filesystem (`mcp-filesystem`)"],
    ["sqlite", "SQLite (`mcp-sqlite`)"],
    ["http", "HTTP (`mcp-http`)"],
  ])("mcp-%s: Every server and %s", async (bin, section) => {
    const helped = serverHelp(await help(bin));
    expect(helped.length).toBeGreaterThan(25);
    expect(differences(helped, [...readmeTable("Every server"), ...readmeTable(section)])).toEqual([]);
  });

  it("mcp-agent: Agent", async () => {
    const helped = agentHelp(await help("agent"));
    expect(helped.length).toBeGreaterThan(20);
    expect(differences(helped, readmeTable("Agent"))).toEqual([]);
  });
});

// A count's floor is 1 unless a row says otherwise: a bin that refuses 1 must say its minimum where people look.
describe("a minimum above 1 is stated in --help and the README", () => {
  it.each([
    ["filesystem", "Filesystem (`mcp-filesystem`)"],
    ["sqlite", "SQLite (`mcp-sqlite`)"],
  ])("mcp-%s", async (bin, section) => {
    const helpText = await help(bin);
    const counts = serverHelp(helpText).filter((o) => /^\d+$/.test(o.fallback ?? ""));
    expect(counts.length).toBeGreaterThan(3);
    const cwd = await mkdtemp(join(tmpdir(), "mcp-readme-minimum-"));
    const found: string[] = [];
    try {
      for (const { flag } of counts) {
        const started = await run(process.execPath, [join(REPO, "packages", bin, "dist/cli.cjs"), `${flag}=1`], {
          cwd,
        });
        const minimum = /must be a whole number ≥ (\d+)/.exec(started.stderr)?.[1];
        if (started.code !== 2 || !minimum) continue;
        const helpLine = helpText.split("\n").find((line) => line.startsWith(`  ${flag} `)) ?? "";
        if (!helpLine.includes(`≥ ${minimum}`)) found.push(`${flag}: refuses 1 (≥ ${minimum}), --help does not say so`);
        const row = readmeRow(section, flag) ?? readmeRow("Every server", flag) ?? "";
        if (!row.includes(`≥ ${minimum}`))
          found.push(`${flag}: refuses 1 (≥ ${minimum}), the README row does not say so`);
      }
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
    expect(found).toEqual([]);
  });
});
