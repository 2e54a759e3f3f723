// At start-up, one introspection request with a token that cannot exist, to learn whether the server's own
// credentials are accepted. Without it, a wrong MCP_OAUTH_CLIENT_SECRET shows only on requests: every opaque token
// gets a 500. RFC 7662 answers an unknown token with 200 `{"active": false}`; a 401 or 403 (or `invalid_client`)
// is about the credentials, and any other 4xx but 429 about the URL (the token endpoint answers 400, a typo 404), so
// the server does not start on them: requests would get the 500 the verifier gives every 4xx.
import { randomBytes } from "node:crypto";
import type { OAuthOptions } from "./auth-oauth.js";
import { IssuerMisconfigured, postIntrospection, refusesRequest, requestFailure } from "./auth-oauth-issuer.js";

/**
 * The endpoint refused the server's credentials, or is not an introspection endpoint: opaque tokens cannot be checked
 * until it is fixed; JWTs can.
 */
export class IntrospectionRefused extends IssuerMisconfigured {}

/** The endpoint could not be asked now (down, slow, an unexpected answer): opaque tokens wait for it; JWTs do not. */
export class IntrospectionUnavailable extends Error {}

/**
 * Ask the introspection endpoint about a made-up token. Throws IntrospectionRefused when the credentials or the URL
 * are refused (`published`: the issuer's own introspection_endpoint, named as the fix); IntrospectionUnavailable when the endpoint cannot be reached or answers otherwise (a pause, not a
 * misconfiguration).
 */
export async function probeIntrospection(options: OAuthOptions, published?: string): Promise<void> {
  const endpoint = options.introspection;
  if (!endpoint) return;
  const madeUp = `start-up-probe-${randomBytes(16).toString("hex")}`;
  const response = await postIntrospection(endpoint, madeUp, options).catch((error: Error) => {
    const why = requestFailure(error, options.timeoutMs);
    throw new IntrospectionUnavailable(`cannot reach the introspection endpoint ${endpoint.url}: ${why}`);
  });
  const text = await response.text();
  const refused = response.status === 401 || response.status === 403 || /"invalid_client"/.test(text);
  if (refused) {
    throw new IntrospectionRefused(
      `${endpoint.url} refused the server's credentials (HTTP ${response.status}); check MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET`,
    );
  }
  if (refusesRequest(response.status)) {
    const known = published && published !== endpoint.url ? ` (${options.issuer} publishes ${published})` : "";
    throw new IntrospectionRefused(
      `${endpoint.url} answered HTTP ${response.status} to an introspection request; check --introspection-url${known}`,
    );
  }
  if (!response.ok) {
    throw new IntrospectionUnavailable(`the introspection endpoint ${endpoint.url} answered HTTP ${response.status}`);
  }
}
