import { closest } from "@mcp-toolkit/core";
/**
 * Binding a params array to numbered placeholders (`?1`, `?2`, …), which better-sqlite3 binds only by name: element
 * i goes to `?i+1`, as SQLite numbers them, wherever and however often they appear. Pure: reads the SQL text only.
 */

/** The parameter indexes `sql` uses: those named by `?NNN`, and those plain `?` get. Empty when it has none. */
export interface Placeholders {
  numbered: Set<number>;
  /** Plain `?`s' indexes, in order, not also named by a `?NNN`. */
  plain: number[];
  /** Whether it has `:name`, `@name` or `$name` parameters, which an array does not bind. */
  named: boolean;
  /** Those parameters' names with their prefix, each once, in order. */
  names: string[];
}

/** String literals, quoted identifiers and comments, skipped; then a placeholder. */
const TOKEN =
  /'(?:[^']|'')*'?|"(?:[^"]|"")*"?|`[^`]*`?|\[[^\]]*\]?|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|\?(\d*)|[:@$][\w$\u0080-\uffff]+/g;

export function placeholdersOf(sql: string): Placeholders {
  const numbered = new Set<number>();
  const anonymous: number[] = [];
  const names = new Set<string>();
  let largest = 0;
  for (const match of sql.matchAll(TOKEN)) {
    const token = match[0];
    if (token.startsWith("?")) {
      // SQLite's rule: ?NNN is index NNN; a plain ? is one past the largest index so far.
      const index = match[1] ? Number(match[1]) : largest + 1;
      if (match[1]) numbered.add(index);
      else anonymous.push(index);
      largest = Math.max(largest, index);
    } else if (/^[:@$]/.test(token)) {
      names.add(token);
    }
  }
  return { numbered, plain: anonymous.filter((i) => !numbered.has(i)), named: names.size > 0, names: [...names] };
}

/**
 * What `sql` takes, for a binding error: "it takes 2 values by position (?1, ?2): send params as an array of 2 (or …)", or
 * the names an object must hold. Empty when it has no placeholders.
 */
export function placeholderSummary(sql: string): string {
  const { numbered, plain, names } = placeholdersOf(sql);
  const largest = Math.max(0, ...numbered, ...plain);
  if (largest > 0 && names.length > 0) {
    // Both kinds: one object holds them all, the ?s keyed by their number (objectArgs).
    const keys = [
      ...Array.from({ length: Math.min(largest, 2) }, (_, i) => `"${i + 1}": …`),
      `"${names[0]?.slice(1)}": …`,
    ];
    return `it takes ${largest} value${largest === 1 ? "" : "s"} by position (?1${largest > 1 ? ` … ?${largest}` : ""}) and ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""} by name: send params as one object, {${keys.join(", ")}${largest > 2 || names.length > 1 ? ", …" : ""}}, keying each ? by its number`;
  }
  const parts: string[] = [];
  if (largest > 0) {
    const shown = largest <= 6 ? Array.from({ length: largest }, (_, i) => `?${i + 1}`).join(", ") : `?1 … ?${largest}`;
    // The object form too: some clients' schema support keeps only it (LangChain's adapters), so "an array" is a
    // shape they cannot send.
    const numberedKeys = `{"1": …${largest > 1 ? ', "2": …' : ""}${largest > 2 ? ", …" : ""}}`;
    parts.push(
      `${largest} value${largest === 1 ? "" : "s"} by position (${shown}): send params as an array of ${largest} (or an object numbering them, ${numberedKeys})`,
    );
  }
  if (names.length > 0) {
    const example = names.slice(0, 3).map((name) => `"${name.slice(1)}": …`);
    parts.push(
      `${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""} by name: send params as an object, {${example.join(", ")}${names.length > 3 ? ", …" : ""}}`,
    );
  }
  return parts.length === 0 ? "" : `it takes ${parts.join("; and ")}`;
}

const NUMBERED_HINT = /\?\d/;

/**
 * Arguments for better-sqlite3 from a params array: unchanged unless the SQL has `?NNN` placeholders, which are
 * bound by name ({"1": first element, …}), the other indexes (a plain `?`, or one skipped) positionally. An element no placeholder takes is an error.
 */
export function arrayArgs<T>(values: T[], sql: string): unknown[] {
  // Nearly every statement has no ?NNN at all: one scan for "?" and a digit, without tokenizing.
  if (values.length === 0 || !NUMBERED_HINT.test(sql)) return values;
  const { numbered, plain, named } = placeholdersOf(sql);
  if (numbered.size === 0 || named) return values;
  const largest = Math.max(...numbered, ...plain);
  if (values.length !== largest) {
    throw new TypeError(
      `params has ${values.length} values but the statement's placeholders go up to ?${largest}; send exactly ${largest} (element 1 binds ?1)`,
    );
  }
  // better-sqlite3 binds every index without a name (a plain ?, or one no placeholder names) positionally.
  const positional: T[] = [];
  const byNumber: Record<string, T> = {};
  values.forEach((value, i) => {
    if (numbered.has(i + 1)) byNumber[String(i + 1)] = value;
    else positional.push(value);
  });
  return [...positional, byNumber];
}

/** A params key that numbers a value ("1", "2", …). */
const NUMBER_KEY = /^[1-9]\d*$/;

/**
 * An object of numbered values (`{"1": a, "2": b}`) as the array it stands for, when `sql` has plain `?`
 * placeholders, which better-sqlite3 binds only by position: a client whose schema support keeps only the object
 * form of params (LangChain's adapters) can still bind them. Undefined for any other object, which binds by name
 * (`{"1": …}` already binds `?1` that way).
 */
export function numberedObjectValues<T>(values: Record<string, T>, sql: string): T[] | undefined {
  const keys = Object.keys(values);
  if (keys.length === 0 || !keys.every((key) => NUMBER_KEY.test(key))) return undefined;
  const { plain, named } = placeholdersOf(sql);
  if (plain.length === 0 || named) return undefined;
  const numbers = keys.map(Number).sort((a, b) => a - b);
  if (numbers.some((n, i) => n !== i + 1))
    throw new TypeError(`params numbers its values ${gapAdvice(numbers)}, or send an array`);
  return numbers.map((n) => values[String(n)] as T);
}

/** A `$name::suffix` or `$name(…)` parameter (SQLite's Tcl forms), whose full name this scan does not read. */
const TCL_NAME = /\$[\w$\u0080-\uffff]+(?:::|\()/;

/**
 * Arguments for better-sqlite3 from a params object: by name, or, keyed "1", "2", …, the plain `?`s in order (alone,
 * as numberedObjectValues reads them, or beside `:name`s, which better-sqlite3 binds from one object after the
 * positional values). A key the statement has no placeholder for is an error naming the ones it has: a misspelt name
 * would otherwise be dropped without a word.
 */
export function objectArgs<T>(values: Record<string, T>, sql: string): unknown[] {
  const numberedValues = numberedObjectValues(values, sql);
  if (numberedValues) return arrayArgs(numberedValues, sql);
  const { numbered, plain, names } = placeholdersOf(sql);
  const bare = names.map((name) => name.slice(1));
  const positional: T[] = [];
  const named: Record<string, T> = Object.create(null); // as toBindParams's: :__proto__ is a name like any other
  for (const [key, value] of Object.entries(values)) {
    const number = NUMBER_KEY.test(key) ? Number(key) : 0;
    if (bare.includes(key) || numbered.has(number)) named[key] = value;
    else if (number > 0 && number <= plain.length) positional[number - 1] = value;
    else if (TCL_NAME.test(sql)) named[key] = value;
    else throw new TypeError(notTaken(key, sql, bare));
  }
  // A number left out would leave a hole that binds as NULL.
  const given = Object.keys(positional).map(Number);
  if (given.length !== positional.length) {
    throw new TypeError(`params numbers its ?s ${gapAdvice(given.map((n) => n + 1))}`);
  }
  return positional.length > 0 ? [...positional, named] : [named];
}

/** "1, 3: number them from 1 without a gap …", for numbers given with a gap. */
function gapAdvice(numbers: readonly number[]): string {
  return `${numbers.join(", ")}: number them from 1 without a gap ({"1": …, "2": …}, one per ? in order)`;
}

function notTaken(key: string, sql: string, bare: readonly string[]): string {
  const numeric = NUMBER_KEY.test(key);
  const near = numeric ? undefined : closest(key, bare);
  const takes = placeholderSummary(sql);
  return `params.${key}: the statement has no placeholder ${numeric ? `for "${key}"` : `:${key}`}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ""}; ${takes || "it takes no params: leave params out"}`;
}
