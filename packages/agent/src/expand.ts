import { expandEnvRefs, UsageError, unsetRefMessage } from "@mcp-toolkit/core";
import { editorReferences } from "./editor-vars.js";

/**
 * A `${VAR}` without a default whose variable is unset: the environment's gap, not a mistake in the file, so the
 * entry's server alone is not started (parseServersFile's onUnset).
 */
export class UnsetVariable extends UsageError {}

/**
 * Expand `${VAR}` and `${VAR:-default}` (VS Code's `${env:VAR}` too) in a string from env; throws UnsetVariable
 * naming the first missing variable, or UsageError for a VS Code `${input:…}`.
 */
export function expandVars(text: string, env: Record<string, string | undefined>, where: string): string {
  const expansion = expandEnvRefs(editorReferences(text, where), env);
  const [name] = expansion.missing;
  if (name !== undefined) throw new UnsetVariable(`${where}: ${unsetRefMessage(name)}`);
  return expansion.text;
}

/** Expand every value of a string map. */
export function expandMap(
  map: Record<string, string>,
  env: Record<string, string | undefined>,
  where: string,
): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, expandVars(v, env, `${where}.${k}`)]));
}
