/**
 * A table name as describe_table and the table resources take it, read the way SQLite reads one in SQL: a bare word
 * or a quoted identifier ("my table", [my table], `my table`, with "" and `` standing for the quote), optionally
 * after the name of its database and a dot (main.users, "main"."users"). Pure: which databases exist is the caller's
 * to ask. A name stored with a dot or quotes in it is found as it is first, so this only reads what that missed.
 */

/** A parsed table name; `schema` when one was given. */
export interface TableName {
  schema?: string;
  name: string;
}

/** What describe_table accepts, for its errors. */
export const ACCEPTED_NAMES =
  'a table or view name as list_tables shows it (users, or quoted: "my table"), optionally after its database and a dot (main.users, "main"."users")';

/** `input` as [database.]name, or undefined when it is not one name SQLite would read (two dots, an open quote, …). */
export function parseTableName(input: string): TableName | undefined {
  const first = identifier(input, skipSpace(input, 0));
  if (!first) return undefined;
  let at = skipSpace(input, first.end);
  if (at === input.length) return { name: first.value };
  if (input[at] !== ".") return undefined;
  const second = identifier(input, skipSpace(input, at + 1));
  if (!second) return undefined;
  at = skipSpace(input, second.end);
  return at === input.length ? { schema: first.value, name: second.value } : undefined;
}

/** Closing quote of each opening one; a doubled closing quote inside stands for one (not so for brackets). */
const QUOTES: Record<string, string> = { '"': '"', "`": "`", "[": "]" };

/** Characters of a bare identifier: SQLite takes letters, digits, _ and $, and every character past ASCII. */
const BARE = /[\p{L}\p{N}_$\u0080-\u{10FFFF}]/u;

function identifier(input: string, at: number): { value: string; end: number } | undefined {
  const open = input[at];
  if (open === undefined) return undefined;
  const close = QUOTES[open];
  if (close === undefined) {
    let end = at;
    while (end < input.length && BARE.test(input[end] as string)) end++;
    // A bare identifier cannot start with a digit.
    return end > at && !/[0-9]/.test(open) ? { value: input.slice(at, end), end } : undefined;
  }
  let value = "";
  for (let i = at + 1; i < input.length; i++) {
    const c = input[i] as string;
    if (c !== close) {
      value += c;
      continue;
    }
    if (open !== "[" && input[i + 1] === close) {
      value += c;
      i++;
      continue;
    }
    return { value, end: i + 1 };
  }
  return undefined;
}

function skipSpace(input: string, at: number): number {
  while (at < input.length && /\s/.test(input[at] as string)) at++;
  return at;
}

/** An SQL identifier in double quotes, with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
