/** `error` and the errors it wraps through `cause`, six at most: a chain may loop. */
export function* errorChain(error: unknown): Generator<Error> {
  for (let e = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) yield e;
}

/**
 * SQLite's code (`SQLITE_CONSTRAINT_NOTNULL`) of `error` or of one it wraps, the first that `wanted` takes (any, by
 * default), if SQLite gave one.
 */
export function sqliteCodeOf(error: unknown, wanted: (code: string) => boolean = () => true): string | undefined {
  for (const e of errorChain(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_") && wanted(code)) return code;
  }
  return undefined;
}
