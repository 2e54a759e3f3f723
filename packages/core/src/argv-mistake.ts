// node:util parseArgs reports a mistake in its own terms ("Unknown option '--roots'. To specify a positional
// argument starting with a '-', place it at the end of the command after '--', …"). Read again without `strict`,
// the same argv says what went wrong in ours: the flag, the one meant if one is near, the value missing.
import { parseArgs } from "node:util";
import { closest } from "./nearest-name.js";

/** One option as parseArgs takes it, with the placeholder --help shows for its value. */
export interface ArgvOption {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  valueName?: string;
  /** Other names people reach for (`database` for `db`), named in "did you mean" however far they are spelt. */
  aka?: readonly string[];
}

/**
 * The first mistake in `argv` under `options`, as one line for a person, or undefined if none is found (the caller
 * then falls back on parseArgs' own message). Every line ends with "(see --help)".
 */
export function argvMistake(
  argv: readonly string[],
  options: Readonly<Record<string, ArgvOption>>,
): string | undefined {
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...options },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const longNames = Object.keys(options);
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const option = options[token.name];
    if (!option) {
      const spaced = spacedFlag(token.rawName, options);
      if (spaced) return spaced;
      const near = token.rawName.startsWith("--")
        ? (longNames.find((name) => options[name]?.aka?.includes(token.name)) ?? closest(token.name, longNames))
        : undefined;
      return `unknown option ${token.rawName}${near ? ` — did you mean --${near}?` : ""} (see --help)`;
    }
    const flag = `--${token.name}`;
    if (option.type === "string" && (token.value === undefined || (!token.inlineValue && /^-./.test(token.value)))) {
      // Without strict, a following flag is taken as the value; strict refused it as ambiguous ("-" alone it takes).
      const asValue = token.value === undefined ? "" : `; if ${token.value} is the value, write ${flag}=${token.value}`;
      return `${flag} needs a value, as in ${flag} ${option.valueName ?? "VALUE"}${asValue} (see --help)`;
    }
    if (option.type === "boolean" && token.inlineValue) {
      return `${flag} takes no value; give ${flag} alone to turn it on (see --help)`;
    }
  }
  return undefined;
}

/**
 * A flag and its value written as one argument (`"--root /srv/ws"`), as happens in a client's config, whose `args`
 * entries reach the bin as they are, with no shell to split them: the line saying how to write it, or undefined.
 */
function spacedFlag(rawName: string, options: Readonly<Record<string, ArgvOption>>): string | undefined {
  const match = /^--([^\s=]+)\s+(.*)$/s.exec(rawName);
  const option = match?.[1] === undefined ? undefined : options[match[1]];
  if (!match || !option) return undefined;
  const flag = `--${match[1]}`;
  const value = match[2]?.trim() ?? "";
  const why = "(a client's config passes each args entry whole, spaces included)";
  if (option.type === "boolean" || value === "")
    return `unknown option "${rawName}" ${why}: write ${flag} alone (see --help)`;
  return `unknown option "${rawName}": a flag and its value are separate arguments ${why}; write ${flag}=${value}, or "${flag}" and "${value}" as two (see --help)`;
}

/** The one line for parseArgs' `error` on `argv`: argvMistake's words, else the first line of parseArgs' own. */
export function argvUsageLine(
  argv: readonly string[],
  options: Readonly<Record<string, ArgvOption>>,
  error: unknown,
): string {
  return argvMistake(argv, options) ?? `${String((error as Error)?.message ?? error).split("\n")[0]} (see --help)`;
}
