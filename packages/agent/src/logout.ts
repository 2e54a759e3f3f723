import type { AgentConfig } from "./config.js";
import { EXIT } from "./errors.js";
import { type LoginIO, oauthServer } from "./login.js";
import { clientFor } from "./oauth-options.js";
import { REVOKE_TIMEOUT_MS, type RevocationOutcome, revokeTokens } from "./revocation.js";
import { printable } from "./terminal-text.js";
import { loginDirectory, TokenStore } from "./token-store.js";

/**
 * `--logout NAME`: forget the stored login (tokens and registered client) for the server's URL, then revoke its
 * tokens where the authorization server offers revocation. The login is forgotten first, so nothing stays here
 * whatever the server does. Exit 1 only when a revocation was tried and failed: the tokens then stay valid.
 */
export async function logout(config: AgentConfig, name: string, io: LoginIO): Promise<number> {
  const spec = oauthServer(config, name, "--logout");
  const store = new TokenStore(loginDirectory(io.env));
  const held = store.read(spec.url);
  if (!store.remove(spec.url)) {
    io.stderr.write(`mcp-agent: ${name} had no stored login\n`);
    return EXIT.ok;
  }
  if (!held.tokens) {
    io.stderr.write(`mcp-agent: logged out of ${name} (it held no tokens to revoke)\n`);
    return EXIT.ok;
  }
  const client = clientFor(spec.oauth, held.client, held.tokens.issuer);
  const outcome = await revokeTokens(spec.url, held.tokens, client, {
    timeoutMs: io.timeoutMs ?? REVOKE_TIMEOUT_MS,
    signal: io.signal,
  });
  io.stderr.write(`mcp-agent: ${logoutLine(name, outcome)}\n`);
  return outcome.kind === "failed" ? EXIT.failed : EXIT.ok;
}

/** The one line `--logout` prints: what happened to the tokens at the server, and what it means. */
export function logoutLine(name: string, outcome: RevocationOutcome): string {
  return printable(describe(name, outcome)).replace(/\s+/g, " ");
}

function describe(name: string, outcome: RevocationOutcome): string {
  const { issuer } = outcome;
  const forgotten = `logged out of ${name} (forgotten here`;
  if (outcome.kind === "unavailable") {
    return `${forgotten}; ${issuer} offers no revocation endpoint, so the tokens stay valid until they expire)`;
  }
  if (outcome.kind === "failed") {
    return `${forgotten}), but revocation at ${issuer} failed: ${outcome.reason}; the tokens stay valid until they expire`;
  }
  if (outcome.kept.length === 0) return `logged out of ${name}: tokens revoked at ${issuer}`;
  if (outcome.revoked.length === 0) {
    return `${forgotten}; ${issuer} cannot revoke these tokens (unsupported_token_type), so they stay valid until they expire)`;
  }
  const kept = outcome.kept.map((hint) => hint.replace("_", " ")).join(" and ");
  return `logged out of ${name}: revoked at ${issuer}, except the ${kept}, which it cannot revoke (unsupported_token_type) and which stays valid until it expires`;
}
