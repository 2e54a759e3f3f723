// The low-cardinality summary of a statement that a trace may carry (`db.query.summary`, as the OpenTelemetry
// database conventions describe it): the operation and the tables it names, e.g. "SELECT orders customers". Built
// from keywords and identifiers only, after string literals, blobs and comments are removed, so no value the model
// put in the SQL text, and no bound parameter, can reach a span.

const OPERATION = /^[A-Za-z]+/;
/** A keyword after which SQL names a table, then that name (bare, "quoted", `quoted` or [bracketed]). */
const TARGET =
  /\b(?:FROM|JOIN|INTO|UPDATE|TABLE|EXISTS)\s+("(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)/gi;
const SKIPPED = new Set(["SELECT", "VALUES", "NOT", "IF", "ONLY"]);
/** Longest summary: the conventions ask for one short enough to group by. */
export const MAX_SUMMARY_CHARS = 255;

/** The operation and target tables of `sql`, or "" when it has none (an empty string, a comment). */
export function querySummary(sql: string): string {
  const code = sql
    .replace(/'(?:[^']|'')*'?/g, " ") // string literals, and X'…' blobs
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[\s\S]*?(?:\*\/|$)/g, " ")
    .trim();
  const operation = OPERATION.exec(code)?.[0]?.toUpperCase();
  if (!operation) return "";
  const tables: string[] = [];
  for (const match of code.matchAll(TARGET)) {
    const name = match[1] ?? "";
    if (SKIPPED.has(name.toUpperCase()) || tables.includes(name)) continue;
    tables.push(name);
  }
  const summary = [operation, ...tables].join(" ");
  return summary.length > MAX_SUMMARY_CHARS ? summary.slice(0, MAX_SUMMARY_CHARS) : summary;
}
