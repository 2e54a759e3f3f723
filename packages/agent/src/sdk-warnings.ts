// The MCP client SDK writes some warnings with console.warn ("[mcp-sdk] OAuth "invalid_client" — invalidating the
// stored client information and retrying authorization…"), meant for whoever builds on it. In the agent they land in
// the user's terminal between its own lines, which already say what happened (a login is needed, a server refused).
// They are kept for --verbose, where they help to see why, and are dropped otherwise. Anything else passes through.

/** The prefix the SDK puts on its console warnings. */
export const SDK_WARNING_PREFIX = "[mcp-sdk] ";

/**
 * Route `target.warn` calls whose first argument starts with the SDK's prefix to `onSdkWarning` (undefined: dropped);
 * returns a function that restores the original.
 */
export function routeSdkWarnings(
  target: Pick<Console, "warn">,
  onSdkWarning: ((line: string) => void) | undefined,
): () => void {
  const original = target.warn;
  target.warn = (...args: unknown[]) => {
    const [first] = args;
    if (typeof first === "string" && first.startsWith(SDK_WARNING_PREFIX)) {
      onSdkWarning?.(args.map(String).join(" ").slice(SDK_WARNING_PREFIX.length));
      return;
    }
    original.apply(target, args);
  };
  return () => {
    target.warn = original;
  };
}
