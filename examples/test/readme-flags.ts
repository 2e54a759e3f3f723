// Reading the README's settings tables and a bin's --help, for readme-flags.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./helpers.js";

/** One setting: its flag, environment variable and default, as the README's table or a bin's --help gives them. */
export interface Setting {
  flag: string;
  env: string | undefined;
  fallback: string | undefined;
}

/** The rows with a flag of the README table under the heading that starts with `heading`. */
export function readmeTable(heading: string): Setting[] {
  const lines = readFileSync(join(REPO, "README.md"), "utf8").split("\n");
  const start = lines.findIndex((line) => line.startsWith(`### ${heading}`));
  if (start < 0) throw new Error(`README.md has no "### ${heading}" section`);
  const rows: Setting[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("#")) break;
    if (!line.startsWith("|")) {
      if (rows.length > 0) break;
      continue;
    }
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const flag = /`(-\w, )?(--[a-z-]+)/.exec(cells[1] ?? "")?.[2];
    if (!flag) continue;
    const env = /`([A-Z_]+)/.exec(cells[2] ?? "")?.[1];
    const fallback = cells[3]?.replaceAll("`", "");
    rows.push({ flag, env, fallback: fallback === "—" ? undefined : fallback });
  }
  return rows;
}

/** The README row of `flag` in the section under `heading`, as written (its cells joined by `|`). */
export function readmeRow(heading: string, flag: string): string | undefined {
  const lines = readFileSync(join(REPO, "README.md"), "utf8").split("\n");
  const start = lines.findIndex((line) => line.startsWith(`### ${heading}`));
  const end = lines.findIndex((line, i) => i > start && line.startsWith("#"));
  return lines.slice(start, end < 0 ? undefined : end).find((line) => line.startsWith(`| \`${flag} `));
}

/** The options a server bin's --help lists: `  --flag ARG   text (…env NAME…; default D)`. */
export function serverHelp(help: string): Setting[] {
  const settings: Setting[] = [];
  for (const line of help.split("\n")) {
    const flag = /^ {2}(?:-\w, )?(--[a-z-]+)/.exec(line)?.[1];
    if (!flag || flag === "--help" || flag === "--version") continue;
    const env = /env ([A-Z_]+)/.exec(line)?.[1];
    const fallback = /; default ([^)]+)\)$/.exec(line)?.[1] ?? /Default ([^ ,.]+)[,.]/.exec(line)?.[1];
    settings.push({ flag, env, fallback });
  }
  return settings;
}

/** The options the agent's --help lists: `  -w, --flag ARG   text   [ENV, default]`, the text maybe over several lines. */
export function agentHelp(help: string): Setting[] {
  const options = help.split("\n\n").find((part) => part.startsWith("Options:")) ?? "";
  const blocks = options.split(/\n(?= {2}(?:-\w, | {4})--)/).slice(1);
  const settings: Setting[] = [];
  for (const block of blocks) {
    const flag = /--[a-z-]+/.exec(block)?.[0];
    if (!flag || flag === "--help") continue;
    const bracket = /\[([^\]]+)\]\s*$/.exec(block)?.[1];
    const parts = bracket?.split(", ") ?? [];
    const env = parts[0] && /^[A-Z_]+$/.test(parts[0]) ? parts.shift() : undefined;
    settings.push({ flag, env, fallback: parts.length > 0 ? parts.join(", ") : undefined });
  }
  return settings;
}
