/** SQLite's code (`SQLITE_CONSTRAINT_NOTNULL`) of `error` or of one it wraps, if SQLite gave one. */
export function sqliteCodeOf(error: unknown): string | undefined {
  // Six causes at most: a chain may loop.
  for (let e = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_")) return code;
  }
  return undefined;
}
