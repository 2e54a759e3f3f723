// An OAuth 2.1 resource server, as MCP 2026-07-28 specifies: access tokens from the team's identity provider,
// checked here. JWTs are verified with jose against the issuer's JWKS (found through its metadata: RFC 8414, falling
// back to OpenID discovery, auth-oauth-issuer.ts); opaque tokens go to RFC 7662 introspection when it is configured.
// What the claims mean, and how a refusal is worded, is auth-oauth-claims.ts. Nothing here is hand-written
// cryptography. This module (and jose) is loaded only when `--auth oauth` is chosen.
import type { AuthInfo, OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { OAuthError, OAuthErrorCode } from "@modelcontextprotocol/server";
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, type JWTVerifyOptions, jwtVerify } from "jose";
import {
  accessTokenTypProblem,
  authInfoOf,
  describeJoseError,
  invalidToken,
  refuseRefreshToken,
} from "./auth-oauth-claims.js";
import {
  discoverIssuer,
  type IssuerMetadata,
  IssuerMisconfigured,
  postIntrospection,
  refusesRequest,
  requestFailure,
} from "./auth-oauth-issuer.js";

/** Algorithms a token may be signed with. Asymmetric only: `none`, and HS256 keyed with a public key, never pass. */
export const ALLOWED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

/** Clock skew tolerated on `exp` and `nbf`, in seconds. */
export const CLOCK_SKEW_S = 60;

/** At most one JWKS refetch per this many ms when a token names an unknown key (jose's cooldown): key rotation. */
export const JWKS_COOLDOWN_MS = 30_000;

/**
 * How long a failed look-up of the issuer's metadata stands before the next token tries again: requests meanwhile
 * get their 503 at once, instead of each waiting out the timeouts of every metadata URL (10–15 s on a hung issuer).
 * The 503's Retry-After says the same 5 s.
 */
export const DISCOVERY_RETRY_MS = 5000;

/**
 * Introspection requests one server may have waiting at once: each opaque token costs one, and the tokens are the
 * callers' (any text is one), so without a cap a flood of made-up tokens becomes as many requests to the provider,
 * each held up to `timeoutMs` while it is slow. Tokens past the cap get 503 at once, as while it is down.
 */
export const MAX_INTROSPECTIONS = 32;

/** How to check tokens. */
export interface OAuthOptions {
  /** The authorization server's issuer identifier, exactly as its tokens carry it in `iss`. */
  issuer: string;
  /** This server's canonical URL: the audience its tokens must name (RFC 8707). */
  resource: string;
  /**
   * The `aud` tokens must carry, for providers that cannot put the resource URL there (Entra ID's v2 tokens carry
   * the API's application ID). Default: `resource`.
   */
  audience?: string;
  /** RFC 7662 endpoint for opaque tokens, with the client credentials it takes. Default: opaque tokens refused. */
  introspection?: { url: string; clientId: string; clientSecret: string };
  /**
   * Take JWTs whose header has no `typ`, or the generic `JWT`, as access tokens too (Keycloak, Entra ID, Okta).
   * Default false: only `typ: at+jwt`, as RFC 9068 requires, so that no other JWT of the issuer (an ID token) passes.
   */
  allowUntypedJwt?: boolean;
  /** Introspection requests that may be waiting at once. Default MAX_INTROSPECTIONS. */
  maxIntrospections?: number;
  /** How long one network exchange with the issuer may take. Default 5000 ms. */
  timeoutMs?: number;
  /** The least time between two JWKS fetches for an unknown `kid`. Default JWKS_COOLDOWN_MS. */
  jwksCooldownMs?: number;
  /** How long a failed metadata look-up stands before another is tried. Default DISCOVERY_RETRY_MS. */
  discoveryRetryMs?: number;
  /** The clock tokens are judged by, in ms since the epoch. Default Date.now. */
  now?: () => number;
  fetch?: typeof fetch;
}

/**
 * Tokens cannot be checked now, for a reason that may pass (the issuer down or slow): the request may be retried,
 * and the token is not judged. A misconfiguration is a server error instead.
 */
function cannotCheck(error: unknown, what: string): OAuthError {
  const message = `${what}: ${(error as Error).message}`;
  return error instanceof IssuerMisconfigured
    ? new OAuthError(OAuthErrorCode.ServerError, message)
    : new OAuthError(OAuthErrorCode.TemporarilyUnavailable, message);
}

/** Whether jose failed to fetch the issuer's keys (down, slow, not 200), rather than judging the token. */
function keysUnreachable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  // A network failure reaches us as fetch's own TypeError, not a JOSE error.
  if (!(error instanceof errors.JOSEError)) return true;
  return error.code === errors.JOSEError.code && error.message.includes("JSON Web Key Set HTTP response");
}

/**
 * jwtVerify against the issuer's keys. A token naming no `kid`, while the issuer publishes more than one key for its
 * algorithm (as it does during a rotation), is tried with each of them, as jose leaves to its caller: else it would
 * be refused as "multiple matching keys found", whichever key signed it.
 */
async function verifyWithKeySet(token: string, keySet: JWTVerifyGetKey, options: JWTVerifyOptions) {
  try {
    return await jwtVerify(token, keySet, options);
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const key of error) {
      try {
        return await jwtVerify(token, key, options);
      } catch (other) {
        if (!(other instanceof errors.JWSSignatureVerificationFailed)) throw other;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** A verifier for the SDK's bearer checks: JWTs by signature and claims, opaque tokens by introspection. */
export function oauthVerifier(options: OAuthOptions): OAuthTokenVerifier & { metadata(): Promise<IssuerMetadata> } {
  let discovered: Promise<IssuerMetadata> | undefined;
  const metadata = () => {
    discovered ??= discoverIssuer(options.issuer, options).catch((error: unknown) => {
      // Tried again by a token after a pause (the issuer may have been down), not by every request meanwhile.
      setTimeout(() => {
        discovered = undefined;
      }, options.discoveryRetryMs ?? DISCOVERY_RETRY_MS).unref();
      throw error;
    });
    return discovered;
  };
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  const jwks = async () => {
    if (keys) return keys;
    const { jwks_uri } = await metadata();
    if (!jwks_uri) throw new IssuerMisconfigured(`the metadata of ${options.issuer} has no jwks_uri`);
    keys = createRemoteJWKSet(new URL(jwks_uri), {
      cooldownDuration: options.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
      timeoutDuration: options.timeoutMs ?? 5000,
    });
    return keys;
  };

  async function verifyJwt(token: string): Promise<AuthInfo> {
    let keySet: Awaited<ReturnType<typeof jwks>>;
    try {
      keySet = await jwks();
    } catch (error) {
      throw cannotCheck(error, "cannot check tokens");
    }
    try {
      const { payload, protectedHeader } = await verifyWithKeySet(token, keySet, {
        issuer: options.issuer,
        audience: options.audience ?? options.resource,
        clockTolerance: CLOCK_SKEW_S,
        algorithms: ALLOWED_ALGORITHMS,
        // A token that never expires is refused (as the SDK would, in its own words): said here, in ours.
        requiredClaims: ["exp"],
        ...(options.now ? { currentDate: new Date(options.now()) } : {}),
      });
      refuseRefreshToken(payload as Record<string, unknown>);
      // After the refresh-token check: a refresh token of Keycloak's has typ JWT too, and is better told it is one.
      const typProblem = accessTokenTypProblem(protectedHeader.typ, options.allowUntypedJwt === true);
      if (typProblem) throw invalidToken(typProblem);
      return authInfoOf(token, payload as Record<string, unknown>, options.resource);
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      if (keysUnreachable(error)) throw cannotCheck(error, `cannot fetch the keys of ${options.issuer}`);
      throw invalidToken(describeJoseError(error, options, token));
    }
  }

  let introspecting = 0;
  async function introspect(token: string): Promise<AuthInfo> {
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
    // RFC 7662 says only "inactive": expired, revoked, or never issued by this provider, which cannot be told apart.
    if (claims.active !== true) {
      throw invalidToken(`token is not active at ${options.issuer} (expired, revoked or not its own); get a new one`);
    }
    refuseRefreshToken(claims);
    if (claims.iss !== undefined && claims.iss !== options.issuer)
      throw invalidToken("token was issued by another issuer");
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const audience = options.audience ?? options.resource;
    if (!audiences.includes(audience)) throw invalidToken(`token was not issued for this resource (${audience})`);
    const now = (options.now ?? Date.now)() / 1000;
    if (typeof claims.nbf === "number" && claims.nbf > now + CLOCK_SKEW_S) throw invalidToken("token is not valid yet");
    if (typeof claims.exp === "number" && claims.exp < now - CLOCK_SKEW_S) throw invalidToken("token has expired");
    return authInfoOf(token, claims, options.resource);
  }

  return {
    metadata,
    verifyAccessToken: (token) => (/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token) ? verifyJwt(token) : introspect(token)),
  };
}
