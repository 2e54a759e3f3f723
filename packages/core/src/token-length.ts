// One rule for a shared bearer token that is too short, so the bins (MCP_AUTH_TOKEN) and a library caller of
// serveHttp (its `token` option) are warned alike, each in the name they set it by.

/** Below this, a shared token is named as guessable at start-up (`openssl rand -hex 16` gives 32). */
export const MIN_TOKEN_CHARS = 32;

/** The warning for a shared token short enough to guess, naming the setting that holds it; undefined when long enough. */
export function shortTokenWarning(token: string, setting: string): string | undefined {
  if (token.length >= MIN_TOKEN_CHARS) return undefined;
  return `${setting} is ${token.length} characters: whoever reaches the port can try to guess one so short; use ${MIN_TOKEN_CHARS} or more random characters (openssl rand -hex 32)`;
}
