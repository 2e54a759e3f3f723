// A library caller writing plain JavaScript has no compiler to catch `roots` for `root`, a missing `database` or
// `readOnly: "yes"`. Each factory checks its options here first, so such a mistake is one TypeError (a RangeError for
// a number out of range) that names the factory, the option, what it must be and what was given, instead of a
// TypeError from deep inside ("options.root is not iterable") or an option silently ignored. Pure: each factory passes
// its table of rules.
import { closest } from "./nearest-name.js";
import { wholeNumberProblem } from "./whole-number.js";

/** What one option must be. */
export interface OptionRule {
  /** Completes "x must be …", e.g. "true or false". */
  expects: string;
  test(value: unknown): boolean;
  /** The option must be given (not undefined). */
  required?: boolean;
  /** Other names a caller may reach for, like the bin's flag (`db` for `database`): an unknown one is pointed here. */
  aka?: readonly string[];
  /** The value is of the kind the rule takes (a number for a count), so failing `test` it is out of range. */
  rightKind?(value: unknown): boolean;
}

/** A rule for every option of T, and no other: the compiler keeps the table in step with the options' type. */
export type OptionRules<T> = { readonly [K in keyof Required<T>]: OptionRule };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === "string" && value !== "";

/** An object whose `names` are each a function: what a logger, audit log or pool a caller passes must at least be. */
export function hasFunctions(value: unknown, names: readonly string[]): boolean {
  return isObject(value) && names.every((name) => typeof value[name] === "function");
}

/** The rules the factories' options are made of. */
export const optionRule = {
  boolean: { expects: "true or false", test: (value) => typeof value === "boolean" },
  text: { expects: "a non-empty string", test: isText },
  texts: {
    expects: "an array of non-empty strings",
    test: (value) => Array.isArray(value) && value.every(isText),
  },
  object: { expects: "an object", test: isObject },
  function: { expects: "a function", test: (value) => typeof value === "function" },
  logger: {
    expects: "a logger: an object with debug, info, warn and error functions",
    test: (value) => hasFunctions(value, ["debug", "info", "warn", "error"]),
  },
  /** One of the given strings. */
  oneOf(...values: readonly string[]): OptionRule {
    return {
      expects: `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`,
      test: (value) => typeof value === "string" && values.includes(value),
    };
  },
  /** A whole number ≥ min (and ≤ max when given), worded like every other count, size and timeout. */
  wholeNumber(min: number, max?: number): OptionRule {
    return {
      expects: max === undefined ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`,
      test: (value) => wholeNumberProblem(value, "", { min, ...(max === undefined ? {} : { max }) }) === undefined,
      rightKind: (value) => typeof value === "number",
    };
  },
  /** The rule, and the option must be given. */
  required(rule: OptionRule): OptionRule {
    return { ...rule, required: true };
  },
  /** The rule, with other names a caller may reach for. */
  aka(rule: OptionRule, ...names: string[]): OptionRule {
    return { ...rule, aka: names };
  },
  /** Either rule. */
  either(a: OptionRule, b: OptionRule, expects = `${a.expects} or ${b.expects}`): OptionRule {
    return { expects, test: (value) => a.test(value) || b.test(value) };
  },
} satisfies Record<string, OptionRule | ((...args: never[]) => OptionRule)>;

/**
 * What is wrong with `options` given to factory `who` under `rules`, as one sentence, or undefined when nothing is.
 * An unknown option is named with the closest known one; an option set to undefined counts as not given.
 */
export function libraryOptionsProblem(
  who: string,
  options: unknown,
  rules: Readonly<Record<string, OptionRule>>,
): string | undefined {
  return libraryOptionsRefusal(who, options, rules)?.message;
}

/**
 * The error for `options` that break `rules` (see libraryOptionsProblem), or undefined: a RangeError for a value of
 * the right kind out of range, else a TypeError.
 */
export function libraryOptionsRefusal(
  who: string,
  options: unknown,
  rules: Readonly<Record<string, OptionRule>>,
): TypeError | RangeError | undefined {
  const names = Object.keys(rules);
  if (!isObject(options)) {
    return new TypeError(`${who} takes an options object (${names.join(", ")}), got ${shown(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(rules, key)) continue;
    const near = names.find((name) => rules[name]?.aka?.includes(key)) ?? closest(key, names);
    const hint = near ? ` — did you mean "${near}"?` : "";
    return new TypeError(`${who}: unknown option "${key}"${hint} (its options: ${names.join(", ")})`);
  }
  for (const [key, rule] of Object.entries(rules)) {
    const value = options[key];
    if (value === undefined) {
      if (rule.required) return new TypeError(`${who}: option ${key} is required (${rule.expects})`);
      continue;
    }
    if (rule.test(value)) continue;
    const Refusal = rule.rightKind?.(value) ? RangeError : TypeError;
    return new Refusal(`${who}: ${key} must be ${rule.expects}, got ${shown(value)}`);
  }
  return undefined;
}

/** Throw if `options` break `rules`: a TypeError, or a RangeError for a number out of range (see libraryOptionsRefusal). */
export function checkLibraryOptions(who: string, options: unknown, rules: Readonly<Record<string, OptionRule>>): void {
  const refusal = libraryOptionsRefusal(who, options, rules);
  if (refusal) throw refusal;
}

/** A value as the message shows it: short, and never an object's contents. */
function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "function") return "a function";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return String(value);
}
