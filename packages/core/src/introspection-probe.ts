// At start-up, one introspection request with a token that cannot exist, to learn whether the server's own
// credentials are accepted. Without it, a wrong MCP_OAUTH_CLIENT_SECRET shows only on requests: every opaque token
// gets a 500. RFC 7662 answers an unknown token with 200 `{"active": false}`; a 401 or 403 (or `invalid_client`)
// is about the credentials, so the server does not start on them.
import { randomBytes } from "node:crypto";
import { IssuerMisconfigured, introspectionAuthorization, type OAuthOptions } from "./auth-oauth.js";

/**
 * Ask the introspection endpoint about a made-up token. Throws IssuerMisconfigured when the credentials are refused;
 * a plain Error when the endpoint cannot be reached or answers otherwise (a pause, not a misconfiguration).
 */
export async function probeIntrospection(options: OAuthOptions): Promise<void> {
  const endpoint = options.introspection;
  if (!endpoint) return;
  const response = await (options.fetch ?? fetch)(endpoint.url, {
    method: "POST",
    headers: {
      authorization: introspectionAuthorization(endpoint),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ token: `start-up-probe-${randomBytes(16).toString("hex")}` }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
  }).catch((error: Error) => {
    throw new Error(`cannot reach the introspection endpoint ${endpoint.url}: ${error.message}`);
  });
  const text = await response.text();
  const refused = response.status === 401 || response.status === 403 || /"invalid_client"/.test(text);
  if (refused) {
    throw new IssuerMisconfigured(
      `${endpoint.url} refused the server's credentials (HTTP ${response.status}); check MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET`,
    );
  }
  if (!response.ok) throw new Error(`the introspection endpoint ${endpoint.url} answered HTTP ${response.status}`);
}
