/**
 * How SQLite's tokenizer reads the start of a statement: its leading keyword, and a PRAGMA's name. Only for what
 * SQLite's own account of a prepared statement cannot say (see pragma-policy.ts).
 */

/** A PRAGMA statement as SQLite's tokenizer reads it. */
export interface PragmaShape {
  /** The pragma's name, unquoted, in ASCII lower case (SQLite's own matching); undefined when no name follows. */
  name: string | undefined;
  /** Anything but comments, spaces and semicolons follows the name. */
  more: boolean;
  /** The schema named before it (`PRAGMA temp.cache_size`), unquoted, as written. */
  schema?: string;
}

// What SQLite skips between tokens: spaces, -- and /* */ comments (an unclosed one runs to the end). JavaScript's \s
// is a superset of SQLite's spaces (which include U+FEFF), so what SQLite reads as one name is never read as another.
const GAP = String.raw`\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?(?:\*\/|$)`;
// SQLite's word characters: a keyword followed by one of these is part of a longer name.
const WORD_END = String.raw`(?![\w$\u0080-\uffff])`;
const LEAD = new RegExp(`^(?:${GAP}|;|(?:explain|query|plan)${WORD_END})*`, "i");
const KEYWORD = new RegExp(`^pragma${WORD_END}`, "i");
const EXPLAIN_KEYWORD = new RegExp(`^explain${WORD_END}`, "i");
const GAPS = new RegExp(`^(?:${GAP})*`);
const GAPS_AND_SEMICOLONS = new RegExp(`^(?:${GAP}|;)*`);
const BARE_NAME = /^[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/;
const QUOTED_NAME = /^(?:"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|'((?:[^']|'')*)'|\[([^\]]*)\])/;

/**
 * How a PRAGMA reads, or undefined for any other statement: after comments, semicolons and EXPLAIN [QUERY PLAN],
 * the keyword, then `[schema.]name`, each name bare or quoted ("double", `back`, [bracket] or 'single').
 */
export function pragmaShape(sql: string): PragmaShape | undefined {
  let rest = sql.replace(LEAD, "");
  if (!KEYWORD.test(rest)) return undefined;
  rest = rest.slice("pragma".length).replace(GAPS, "");
  let name = readName(rest);
  let schema: string | undefined;
  const dot = name && rest.slice(name.length).replace(GAPS, "");
  if (dot?.startsWith(".")) {
    schema = name?.value; // the first name was the schema's
    rest = dot.slice(1).replace(GAPS, "");
    name = readName(rest);
  }
  const inSchema = schema === undefined ? {} : { schema };
  if (!name) return { name: undefined, more: rest !== "", ...inSchema };
  const more = rest.slice(name.length).replace(GAPS_AND_SEMICOLONS, "") !== "";
  return { name: name.value.replace(/[A-Z]/g, (c) => c.toLowerCase()), more, ...inSchema };
}

/**
 * Is `sql` a PRAGMA (also under EXPLAIN [QUERY PLAN], after comments and semicolons)? SQLite applies many
 * PRAGMA settings (query_only, locking_mode, cache_size, …) to the connection while it compiles them, before any
 * verdict can be given, so the query tool's connection is replaced after one: whatever it set does not outlive the call.
 */
export function isPragma(sql: string): boolean {
  return pragmaShape(sql) !== undefined;
}

/** One name token at the start of `text`: its length in `text` and its value, unquoted. */
function readName(text: string): { length: number; value: string } | undefined {
  const bare = BARE_NAME.exec(text);
  if (bare) return { length: bare[0].length, value: bare[0] };
  const quoted = QUOTED_NAME.exec(text);
  if (!quoted) return undefined;
  const [token, double, back, single, bracket] = quoted;
  const value =
    double?.replaceAll('""', '"') ?? back?.replaceAll("``", "`") ?? single?.replaceAll("''", "'") ?? bracket ?? "";
  return { length: token.length, value };
}

/**
 * Is the first keyword of `sql` (after comments, spaces and semicolons) EXPLAIN? SQLite's grammar allows EXPLAIN only
 * there, as the start of EXPLAIN or EXPLAIN QUERY PLAN.
 */
export function startsWithExplain(sql: string): boolean {
  return EXPLAIN_KEYWORD.test(sql.replace(GAPS_AND_SEMICOLONS, ""));
}

/**
 * The PRAGMA that `sql` sets: one with a name and something after it (a value), not under EXPLAIN, which only
 * compiles it; undefined for any other statement, and for a bare name, which only reads.
 */
export function settingPragma(sql: string): (PragmaShape & { name: string }) | undefined {
  const pragma = pragmaShape(sql);
  if (!pragma?.name || !pragma.more || startsWithExplain(sql)) return undefined;
  return pragma as PragmaShape & { name: string };
}
