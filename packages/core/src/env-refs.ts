// `${VAR}` references, as mcp.json (Claude Desktop, Claude Code) and the HTTP server's credentials write them.
// Expanded in one pass: a value that itself holds `${…}` stays as it is, so the environment cannot smuggle in a
// reference to another variable.

/** What expanding one string gave. */
export interface EnvExpansion {
  /** The text with every reference replaced; a missing one is left as written. */
  text: string;
  /** Each value put in, variable or default, in order: a caller holding secrets must keep them from being shown. */
  values: string[];
  /** Variables referred to without a default that are unset or empty, in order: a configuration mistake. */
  missing: string[];
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expand `${VAR}` and `${VAR:-default}` in `text` from `env`. As in a shell, an unset or empty VAR takes the
 * default, which may be empty (`${VAR:-}`); `$VAR` without braces is not a reference. Never throws: the caller
 * words the mistake for where the text came from.
 */
export function expandEnvRefs(text: string, env: Readonly<Record<string, string | undefined>>): EnvExpansion {
  const values: string[] = [];
  const missing: string[] = [];
  const expanded = text.replace(REFERENCE, (reference, name: string, fallback: string | undefined) => {
    // Own string values only: `${constructor}` must not find Object.prototype's.
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    const chosen = typeof value === "string" && value !== "" ? value : fallback;
    if (chosen === undefined) {
      missing.push(name);
      return reference;
    }
    values.push(chosen);
    return chosen;
  });
  return { text: expanded, values, missing };
}

/** The sentence for a missing reference: what is unset, and the two ways to mend it. */
export function unsetRefMessage(name: string): string {
  return `\${${name}} is not set; export ${name}=… or write \${${name}:-default}`;
}
