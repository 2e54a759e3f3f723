// The errors a server's login ends in, with the command that mends each: no login (or one that can no longer be
// refreshed), and a 401 from a server that offers no OAuth, whose credentials belong in mcp.json's headers.
import { refusalReason } from "./www-authenticate.js";

/**
 * A server wants an OAuth login the agent does not have (or can no longer refresh). `configFile`: the --config the
 * server came from, which the login must be given too, or it finds no such server. `refused`: credentials its
 * mcp.json "headers" gave (a static token) that the server refused, whose reason is said too.
 */
export class LoginRequired extends Error {
  override name = "LoginRequired";
  constructor(server: string, configFile?: string, refused?: Refusal) {
    const reason = refused && refused.credentialHeaders.length > 0 ? refusalReason(refused.challenge) : undefined;
    const headers = refused?.credentialHeaders.join(", ");
    super(
      `${server} needs you to log in (OAuth): run ${loginCommand(server, configFile)}${reason ? `; it refused the credentials given in its mcp.json "headers" (${headers}), saying ${reason}` : ""}`,
    );
  }
}

/** What to run to log in to a server: `pnpm agent [--config FILE] --login NAME (mcp-agent …)`. */
export function loginCommand(server: string, configFile?: string): string {
  const flags = `${configFile === undefined ? "" : `--config ${shellWord(configFile)} `}--login ${shellWord(server)}`;
  return `pnpm agent ${flags} (mcp-agent ${flags})`;
}

/** A word as a POSIX shell reads it back: as it is when plain, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** What the agent knows of a 401 (or 403) that offers no OAuth: the credential headers it sent, and the challenge. */
export interface Refusal {
  /** Names of the mcp.json headers that carry credentials (Authorization, X-API-Key…); empty when none was given. */
  credentialHeaders: readonly string[];
  /** The answer's `WWW-Authenticate` value, if it had one. */
  challenge?: string | undefined;
  /** 403: the credentials were taken, and a use outside their roles or scopes refused (`insufficient_scope`). */
  status?: number | undefined;
}

/**
 * The line for a 401 without OAuth. No credentials given: say where they go. Credentials given: say they were
 * refused, quoting the server's reason (one line, cut short), not advice to give what was already given. A 403 took
 * them, and refused what they do not allow (a role the operator withdrew while the agent runs): say that instead.
 */
export function notAuthorizedText(server: string, refusal: Refusal): string {
  const reason = refusalReason(refusal.challenge);
  if (refusal.status === 403) {
    const given = refusal.credentialHeaders.length > 0 ? refusal.credentialHeaders.join(", ") : "none";
    return `Forbidden (HTTP 403): ${server} took the credentials given in its mcp.json "headers" (${given}) but refused this request${reason ? `, saying ${reason}` : ""} — the token is valid and lacks the role or scope for it: ask the server's operator for one that has it`;
  }
  if (refusal.credentialHeaders.length === 0) {
    return `Unauthorized (HTTP 401), and ${server} publishes no OAuth metadata: give its credentials in its mcp.json "headers" (an Authorization header whose value names an environment variable, as in examples/mcp.json)${reason ? `; it says ${reason}` : ""}`;
  }
  const names = refusal.credentialHeaders.join(", ");
  return `Unauthorized (HTTP 401): ${server} refused the credentials given in its mcp.json "headers" (${names})${reason ? `, saying ${reason}` : ""} — check the value sent: the environment variable the header names must hold what the server expects`;
}

/** A server refused the agent (401) and offers no OAuth: its credentials belong in mcp.json's headers, or are wrong. */
export class NotAuthorized extends Error {
  override name = "NotAuthorized";
  constructor(server: string, refusal: Refusal = { credentialHeaders: [] }) {
    super(notAuthorizedText(server, refusal));
  }
}
