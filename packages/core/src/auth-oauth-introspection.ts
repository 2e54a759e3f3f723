// Opaque access tokens, checked by RFC 7662 introspection at the provider (auth-oauth.ts checks JWTs itself): at most
// MAX_INTROSPECTIONS requests waiting at once, and the answer's claims judged as a JWT's are, in the same words.
import type { AuthInfo } from "@modelcontextprotocol/server";
import { OAuthError, OAuthErrorCode } from "@modelcontextprotocol/server";
import type { OAuthOptions } from "./auth-oauth.js";
import {
  authInfoOf,
  CLOCK_SKEW_S,
  cannotCheck,
  invalidToken,
  otherAudience,
  otherIssuer,
  refuseRefreshToken,
} from "./auth-oauth-claims.js";
import { IssuerMisconfigured, postIntrospection, refusesRequest, requestFailure } from "./auth-oauth-issuer.js";

/**
 * Introspection requests one server may have waiting at once: each opaque token costs one, and the tokens are the
 * callers' (any text is one), so without a cap a flood of made-up tokens becomes as many requests to the provider,
 * each held up to `timeoutMs` while it is slow. Tokens past the cap get 503 at once, as while it is down.
 */
export const MAX_INTROSPECTIONS = 32;

/**
 * What an introspection answer grants, if it is an active access token of this issuer for this resource, in time;
 * else the 401 that says which of these it is not.
 */
export function introspectedAuthInfo(token: string, claims: Record<string, unknown>, options: OAuthOptions): AuthInfo {
  // RFC 7662 says only "inactive": expired, revoked, or never issued by this provider, which cannot be told apart.
  if (claims.active !== true) {
    throw invalidToken(`token is not active at ${options.issuer} (expired, revoked or not its own); get a new one`);
  }
  refuseRefreshToken(claims);
  if (claims.iss !== undefined && claims.iss !== options.issuer)
    throw invalidToken(otherIssuer(options.issuer, claims.iss));
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const audience = options.audience ?? options.resource;
  if (!audiences.includes(audience)) throw invalidToken(otherAudience(audience, claims.aud));
  const now = (options.now ?? Date.now)() / 1000;
  if (typeof claims.nbf === "number" && claims.nbf > now + CLOCK_SKEW_S) throw invalidToken("token is not valid yet");
  // No `exp` is taken (the provider is asked again at the next request); one that is not a number is not read as none.
  if (claims.exp !== undefined && typeof claims.exp !== "number")
    throw invalidToken("token's exp (expiry) claim is not a number of seconds");
  if (typeof claims.exp === "number" && claims.exp < now - CLOCK_SKEW_S) throw invalidToken("token has expired");
  return authInfoOf(token, claims, options.resource);
}

/** A check of opaque tokens by the configured introspection endpoint, with its own count of requests waiting. */
export function tokenIntrospector(options: OAuthOptions): (token: string) => Promise<AuthInfo> {
  let introspecting = 0;
  return async (token) => {
    const endpoint = options.introspection;
    if (!endpoint) throw invalidToken("opaque tokens are not accepted here (no introspection endpoint is configured)");
    const cap = options.maxIntrospections ?? MAX_INTROSPECTIONS;
    if (introspecting >= cap) {
      throw new OAuthError(
        OAuthErrorCode.TemporarilyUnavailable,
        `cannot check the token now: ${cap} tokens are already waiting on ${endpoint.url}, the most this server asks at once`,
      );
    }
    let claims: Record<string, unknown>;
    introspecting++;
    try {
      const response = await postIntrospection(endpoint, token, options);
      if (refusesRequest(response.status)) {
        throw new IssuerMisconfigured(
          `HTTP ${response.status} from ${endpoint.url}; check --introspection-url and MCP_OAUTH_CLIENT_ID / MCP_OAUTH_CLIENT_SECRET`,
        );
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      claims = (await response.json()) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof IssuerMisconfigured) throw cannotCheck(error, "token introspection failed");
      throw cannotCheck(
        new Error(requestFailure(error, options.timeoutMs)),
        `token introspection at ${endpoint.url} failed`,
      );
    } finally {
      introspecting--;
    }
    return introspectedAuthInfo(token, claims, options);
  };
}
