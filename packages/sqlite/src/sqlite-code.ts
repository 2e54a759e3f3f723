/** SQLite's code (`SQLITE_CONSTRAINT_NOTNULL`) of `error` or of one it wraps, if SQLite gave one. */
export function sqliteCodeOf(error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_")) return code;
  }
  return undefined;
}
