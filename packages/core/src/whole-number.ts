// Every count, size, timeout and port is a whole number within bounds, whether a user types it, a library caller
// passes it or the model sends it, and is judged here alone, so each is refused the same way and in the same words:
// the option as its giver names it, the range, and what was given. Text is strict decimal: Number() would take
// "0x10", "1e3", "+5", "1.0" and "0b1".
import { type OptionSpec, UsageError } from "./cli-options.js";

/** The bounds a whole number must lie within, both inclusive. */
export interface WholeNumberRange {
  /** Default 0. */
  min?: number;
  /** Default Number.MAX_SAFE_INTEGER. */
  max?: number;
}

/** How to read a whole-number option from text. */
export interface WholeNumberRule extends WholeNumberRange {
  /** The value for missing or blank text (an environment variable set to ""), as if unset; without it, refused. */
  fallback?: number;
}

const DIGITS = /^[0-9]+$/;

/**
 * The longest time a timer can wait, in ms (about 24.8 days): Node runs a longer one after 1 ms, with a warning, so a
 * time limit above it would end every call at once.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Read a whole-number option from text: decimal digits only, spaces around them ignored, within the rule's bounds.
 * `label` names the option as the user sets it, e.g. "--max-rows (MCP_SQLITE_MAX_ROWS)". Throws UsageError.
 */
export function parseWholeNumber(text: string | undefined, label: string, rule: WholeNumberRule = {}): number {
  const trimmed = text?.trim() ?? "";
  if (trimmed === "" && rule.fallback !== undefined) return rule.fallback;
  const value = DIGITS.test(trimmed) ? Number(trimmed) : Number.NaN;
  const problem = describeProblem(value, label, JSON.stringify(text ?? ""), rule);
  if (problem) throw new UsageError(problem);
  return value;
}

/**
 * Why `value` (a library option or tool argument) is not a whole number within `range`, as one sentence naming
 * `label` ("maxDepth must be a whole number ≥ 1, got 0"), or undefined when it is one.
 */
export function wholeNumberProblem(value: unknown, label: string, range: WholeNumberRange = {}): string | undefined {
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  return describeProblem(typeof value === "number" ? value : Number.NaN, label, shown, range);
}

/**
 * Read option `key` of parsed CLI values as a whole number within `range`, named in errors by its flag and
 * environment variable ("--port (MCP_PORT)"); blank text means the option's default. Throws UsageError.
 */
export function wholeNumberOption<O extends Record<string, OptionSpec>>(
  options: O,
  values: { readonly [K in keyof O]?: unknown },
  key: keyof O & string,
  range: WholeNumberRange = {},
): number {
  const opt: Partial<OptionSpec> = options[key] ?? {};
  const text = values[key];
  return parseWholeNumber(typeof text === "string" ? text : undefined, optionLabel(key, opt), {
    ...range,
    ...(opt.default === undefined ? {} : { fallback: Number(opt.default) }),
  });
}

/** An option as messages name it: its flag, and its environment variable when it has one. */
function optionLabel(key: string, opt: Partial<OptionSpec>): string {
  return opt.env ? `--${key} (${opt.env})` : `--${key}`;
}

function describeProblem(value: number, label: string, shown: string, range: WholeNumberRange): string | undefined {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = range;
  if (Number.isSafeInteger(value) && value >= min && value <= max) return undefined;
  // The upper bound is named only when it was set, or when it is what the value broke.
  const bounds = max < Number.MAX_SAFE_INTEGER || value > max ? `from ${min} to ${max}` : `≥ ${min}`;
  return `${label} must be a whole number ${bounds}, got ${shown}`;
}
