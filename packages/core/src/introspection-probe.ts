// At start-up, one introspection request with a token that cannot exist, to learn whether the server's own
// credentials are accepted. Without it, a wrong MCP_OAUTH_CLIENT_SECRET shows only on requests: every opaque token
// gets a 500. RFC 7662 answers an unknown token with 200 `{"active": false}`; a 401 or 403 (or `invalid_client`)
// is about the credentials, so the server does not start on them.
import { randomBytes } from "node:crypto";
import type { OAuthOptions } from "./auth-oauth.js";
import { IssuerMisconfigured, postIntrospection } from "./auth-oauth-issuer.js";

/** The endpoint refused the server's credentials: opaque tokens cannot be checked until they are fixed; JWTs can. */
export class IntrospectionRefused extends IssuerMisconfigured {}

/** The endpoint could not be asked now (down, slow, an unexpected answer): opaque tokens wait for it; JWTs do not. */
export class IntrospectionUnavailable extends Error {}

/**
 * Ask the introspection endpoint about a made-up token. Throws IntrospectionRefused when the credentials are
 * refused; IntrospectionUnavailable when the endpoint cannot be reached or answers otherwise (a pause, not a
 * misconfiguration).
 */
export async function probeIntrospection(options: OAuthOptions): Promise<void> {
  const endpoint = options.introspection;
  if (!endpoint) return;
  const madeUp = `start-up-probe-${randomBytes(16).toString("hex")}`;
  const response = await postIntrospection(endpoint, madeUp, options).catch((error: Error) => {
    throw new IntrospectionUnavailable(`cannot reach the introspection endpoint ${endpoint.url}: ${error.message}`);
  });
  const text = await response.text();
  const refused = response.status === 401 || response.status === 403 || /"invalid_client"/.test(text);
  if (refused) {
    throw new IntrospectionRefused(
      `${endpoint.url} refused the server's credentials (HTTP ${response.status}); check MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET`,
    );
  }
  if (!response.ok) {
    throw new IntrospectionUnavailable(`the introspection endpoint ${endpoint.url} answered HTTP ${response.status}`);
  }
}
