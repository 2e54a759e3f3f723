/**
 * A failed operation's `error.type`: the error's class, as the OpenTelemetry conventions ask. Its `name` comes first:
 * the bundled bins are minified, so a class's own name there is a mangled one ("Lt").
 */
export function errorTypeOf(error: unknown): string {
  const named = (error as Error | null)?.name;
  if (typeof named === "string" && named !== "" && named !== "Error") return named;
  return (error as Error | null)?.constructor?.name || "Error";
}
