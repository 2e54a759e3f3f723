// Who the agent is to a server's authorization server, and what the OAuth provider for that server is built from:
// the mcp.json settings, the token store, and, at --login, the way to reach the person.
import type { StoredOAuthClientInformation } from "@modelcontextprotocol/client";
import type { OAuthSettings } from "./remote-spec.js";
import type { TokenStore } from "./token-store.js";

/**
 * Who the agent is at the authorization server: mcp.json's client when it names one (registered with whichever
 * authorization server this server names, so it takes that `issuer`), else the one stored at login.
 */
export function clientFor(
  settings: OAuthSettings | undefined,
  stored: StoredOAuthClientInformation | undefined,
  issuer: string | undefined,
): StoredOAuthClientInformation | undefined {
  if (settings?.clientId === undefined) return stored;
  return { client_id: settings.clientId, client_secret: settings.clientSecret, issuer };
}

/** Who the provider works for, and how it reaches the person when it must. */
export interface AgentOAuthOptions {
  /** The server's name in mcp.json (for messages). */
  server: string;
  serverUrl: string;
  settings?: OAuthSettings | undefined;
  store: TokenStore;
  /**
   * `--login`: the loopback redirect URI, and who shows the person the authorization URL. Absent in a normal run,
   * which only uses and silently refreshes a stored login: a server that needs more fails to start with a hint.
   */
  interactive?: { redirectUrl: string; onAuthorizationUrl: (url: URL) => void | Promise<void> } | undefined;
  /** Names of the mcp.json headers that carry credentials, for the message when the server refuses them. */
  credentialHeaders?: readonly string[] | undefined;
  /** The --config file the server came from, for the hint to log in. */
  configFile?: string | undefined;
  /**
   * `--login`: start afresh without touching the file: the stored tokens are not used (nor the stored client, unless
   * `keepClient`), and what the login gets is written only when it succeeds, all at once. Running sessions read the
   * file on every request, so they keep the stored login until then, and keep it if the login is abandoned.
   */
  fresh?: { keepClient: boolean } | undefined;
}
