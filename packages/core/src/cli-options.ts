import { parseArgs } from "node:util";
import { type ArgvOption, argvUsageLine } from "./argv-mistake.js";

/** One command-line option, with an optional environment variable that supplies it when the flag is absent. */
export interface OptionSpec {
  type: "string" | "boolean";
  description: string;
  /** Repeatable flag (`--root a --root b`); from the environment, a list read by `parseEnvList`. */
  multiple?: boolean;
  env?: string;
  /** Separator for a multiple option read from the environment, unless the value is a JSON array. Default ",". */
  envSeparator?: string;
  /** A JSON array of this setting's entries, shown when its value is malformed. Default, paths. */
  envExample?: string;
  default?: string;
  short?: string;
  /** Placeholder shown in --help, e.g. DIR. */
  valueName?: string;
  /** Other names people reach for (`database` for `db`): an unknown flag of one of them is told this one. */
  aka?: readonly string[];
}

/** A program's name, one-line summary and options. */
export interface CliSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  name: string;
  summary: string;
  options: O;
  /** Extra paragraphs printed after the option list. */
  epilog?: string;
}

type ValueOf<S extends OptionSpec> = S["type"] extends "boolean"
  ? boolean
  : S["multiple"] extends true
    ? string[]
    : S["default"] extends string
      ? string
      : string | undefined;

/** Parsed values, typed from the spec. */
export type CliValues<O extends Record<string, OptionSpec>> = { [K in keyof O]: ValueOf<O[K]> };

/**
 * A usage or configuration mistake (a bad flag, option value or config file): every bin, the agent's included,
 * prints its message as one line and exits with code 2.
 */
export class UsageError extends Error {
  override name = "UsageError";
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off", ""]);

/** Parse argv, falling back to env for each option that has one. Throws UsageError on bad input. */
export function parseCli<O extends Record<string, OptionSpec>>(
  spec: CliSpec<O>,
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): { values: CliValues<O>; positionals: string[]; help: boolean; version: boolean } {
  const config: Record<string, ArgvOption> = {
    help: { type: "boolean", short: "h" },
    version: { type: "boolean" },
  };
  for (const [key, opt] of Object.entries(spec.options)) {
    config[key] = {
      type: opt.type,
      ...(opt.multiple ? { multiple: true } : {}),
      ...(opt.short ? { short: opt.short } : {}),
      ...(opt.valueName ? { valueName: opt.valueName } : {}),
      ...(opt.aka ? { aka: opt.aka } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(argvUsageLine(argv, config, error));
  }
  const values: Record<string, unknown> = {};
  for (const [key, opt] of Object.entries(spec.options)) {
    const given = parsed.values[key];
    const fromEnv = opt.env ? env[opt.env] : undefined;
    if (given !== undefined) values[key] = given;
    else if (fromEnv !== undefined) values[key] = fromEnvValue(opt, fromEnv);
    else values[key] = opt.type === "boolean" ? false : opt.multiple ? [] : opt.default;
  }
  return {
    values: values as CliValues<O>,
    positionals: parsed.positionals,
    help: parsed.values.help === true,
    // A program with an option of its own named "version" keeps it.
    version: !("version" in spec.options) && parsed.values.version === true,
  };
}

/** A boolean environment variable's value `raw` (1/0, true/false, …), read by the bins' one rule; `name` for the error. */
export function parseEnvBoolean(name: string | undefined, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new UsageError(`${name}=${raw} is not a boolean; use 1 or 0`);
}

function fromEnvValue(opt: OptionSpec, raw: string): unknown {
  if (opt.type === "boolean") return parseEnvBoolean(opt.env, raw);
  if (opt.multiple) return parseEnvList(opt.env ?? "the environment", raw, opt.envSeparator, opt.envExample);
  return raw;
}

/** How a host list's JSON spelling looks, for the settings that list hosts (MCP_HTTP_ALLOW_HOSTS). */
export const HOST_LIST_EXAMPLE = '["[::1]:8080", "api.example.com"]';

/** A list whose first entry is a bracketed IPv6 literal, `[::1]:8080,…`: host lists start so, JSON arrays never. */
const IPV6_FIRST = /^\s*\[[0-9a-f.]*:[0-9a-f.:]*(%[\w.~-]+)?\]/i;

/**
 * A list from one environment variable. A value starting with "[" is a JSON array of strings, taken exactly, so an
 * entry may hold any character (a path with ":" or ","), unless it is not JSON and starts with an IPv6 literal
 * (`[::1]:8080,localhost`); any other value is split on `separator`, entries trimmed and empty ones dropped.
 * `example`, a JSON array of the setting's own entries, shows how to write it when it is malformed. Throws
 * UsageError naming the variable.
 */
export function parseEnvList(name: string, raw: string, separator = ",", example = '["/srv/a:b", "c,d"]'): string[] {
  const split = () =>
    raw
      .split(separator)
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  if (!raw.trimStart().startsWith("[")) return split();
  const like = `like ${example}`;
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch (error) {
    if (IPV6_FIRST.test(raw)) return split();
    const reason = (error as Error).message.split("\n")[0];
    throw new UsageError(
      `${name} starts with "[", so it is read as a JSON array of strings, but it is not valid JSON (${reason}); write it ${like}`,
    );
  }
  // Valid JSON that starts with "[" is an array.
  const entries = list as unknown[];
  const bad = entries.findIndex((entry) => typeof entry !== "string" || entry === "");
  if (bad >= 0) {
    throw new UsageError(
      `${name}: entry ${bad + 1} of the JSON array is ${kindOf(entries[bad])}; every entry must be a non-empty string, ${like}`,
    );
  }
  return entries as string[];
}

/** A JSON value's kind, for an error message: never the value itself, which may be long. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (value === "") return "an empty string";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return `the number ${value}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** The --help text: summary, usage, and one line per option with its env var and default. */
export function formatHelp(spec: CliSpec): string {
  const rows: [string, string][] = [["-h, --help", "Show this help and exit."]];
  if (!("version" in spec.options)) rows.push(["--version", "Print the version and exit."]);
  for (const [key, opt] of Object.entries(spec.options)) {
    const flag = `${opt.short ? `-${opt.short}, ` : ""}--${key}${opt.type === "string" ? ` ${opt.valueName ?? "VALUE"}` : ""}`;
    // A list's env form is the one thing --help cannot show by example, so it says both spellings.
    const envList = `"${opt.envSeparator ?? ","}"-separated or a JSON array`;
    const extras = [
      opt.multiple ? "repeatable" : "",
      opt.env ? `env ${opt.env}${opt.multiple ? `, ${envList}` : ""}` : "",
      opt.default !== undefined ? `default ${opt.default}` : "",
    ].filter(Boolean);
    rows.push([flag, `${opt.description}${extras.length ? ` (${extras.join("; ")})` : ""}`]);
  }
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`);
  return [
    `${spec.name} — ${spec.summary}`,
    "",
    `Usage: ${spec.name} [options]`,
    "",
    "Options:",
    ...lines,
    ...(spec.epilog ? ["", spec.epilog] : []),
    "",
  ].join("\n");
}
