/** Expand `${VAR}` and `${VAR:-default}` in a string from env; throws naming the first missing variable. */
export function expandVars(text: string, env: Record<string, string | undefined>, where: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback?: string) => {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
    if (fallback !== undefined) return fallback;
    throw new Error(`${where}: \${${name}} is not set; export ${name}=… or write \${${name}:-default}`);
  });
}

/** Expand every value of a string map. */
export function expandMap(
  map: Record<string, string>,
  env: Record<string, string | undefined>,
  where: string,
): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, expandVars(v, env, `${where}.${k}`)]));
}
