// An OAuth 2.1 resource server, as MCP 2026-07-28 specifies: access tokens from the team's identity provider,
// checked here. JWTs are verified with jose against the issuer's JWKS (found through its metadata: RFC 8414, falling
// back to OpenID discovery, auth-oauth-issuer.ts); opaque tokens go to RFC 7662 introspection when it is configured
// (auth-oauth-introspection.ts). What the claims mean, and how a refusal is worded, is auth-oauth-claims.ts; how the
// JWKS is fetched, and the keys held while the issuer is down, auth-oauth-jwks.ts. Nothing here is hand-written
// cryptography. This module (and jose) is loaded only when `--auth oauth` is chosen.
import type { AuthInfo, OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { OAuthError } from "@modelcontextprotocol/server";
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  jwksCache,
  jwtVerify,
} from "jose";
import {
  accessTokenTypProblem,
  authInfoOf,
  CLOCK_SKEW_S,
  cannotCheck,
  describeJoseError,
  invalidToken,
  refuseRefreshToken,
  type UnrefreshedKeys,
} from "./auth-oauth-claims.js";
import { tokenIntrospector } from "./auth-oauth-introspection.js";
import { discoverIssuer, type IssuerMetadata, IssuerMisconfigured, requestFailure } from "./auth-oauth-issuer.js";
import { heldKeys, type JwksCache, keysUnreachable, standingFailureFetch } from "./auth-oauth-jwks.js";

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

/** At most one JWKS refetch per this many ms when a token names an unknown key (jose's cooldown): key rotation. */
export const JWKS_COOLDOWN_MS = 30_000;

/**
 * How long a failed look-up of the issuer's metadata (or its JWKS) stands before the next token tries again: requests
 * meanwhile get their 503 at once, instead of each waiting out the timeouts of every metadata URL (10–15 s on a hung
 * issuer). The 503's Retry-After says the same 5 s.
 */
export const DISCOVERY_RETRY_MS = 5000;

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
  /** How long a failed metadata or JWKS look-up stands before another is tried. Default DISCOVERY_RETRY_MS. */
  discoveryRetryMs?: number;
  /** The clock tokens are judged by, in ms since the epoch. Default Date.now. */
  now?: () => number;
  fetch?: typeof fetch;
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
  const cache: JwksCache = {};
  const jwks = async () => {
    if (keys) return keys;
    const { jwks_uri } = await metadata();
    if (!jwks_uri) throw new IssuerMisconfigured(`the metadata of ${options.issuer} has no jwks_uri`);
    keys = createRemoteJWKSet(new URL(jwks_uri), {
      cooldownDuration: options.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
      timeoutDuration: options.timeoutMs ?? 5000,
      [jwksCache]: cache as Record<string, never>,
      [customFetch]: standingFailureFetch(options.discoveryRetryMs ?? DISCOVERY_RETRY_MS, options.fetch),
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
    const fetchedBefore = cache.uat;
    try {
      return await checkJwt(token, keySet);
    } catch (error) {
      if (error instanceof OAuthError || !keysUnreachable(error))
        throw refusal(error, token, unrefreshed(fetchedBefore));
      // The keys could not be fetched again (kept their 10 minutes, or the token names one not seen): a token signed
      // with a key the issuer last published is checked with it, so an outage of the issuer does not refuse them all.
      const held = heldKeys(cache);
      if (!held) throw keysFailure(error);
      try {
        return await checkJwt(token, held);
      } catch (other) {
        throw other instanceof errors.JWKSNoMatchingKey ? keysFailure(error) : refusal(other, token);
      }
    }
  }

  async function checkJwt(token: string, keySet: JWTVerifyGetKey): Promise<AuthInfo> {
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
  }

  /** The 401 for a token jose judged (or our own refusal, as it is). */
  const refusal = (error: unknown, token: string, unseen?: UnrefreshedKeys) =>
    error instanceof OAuthError ? error : invalidToken(describeJoseError(error, options, token, unseen));

  /**
   * Whether a key was looked for only among keys fetched before this token came (none were fetched for it: jose's
   * cooldown), and when they were fetched and will be fetched again; undefined when they were fetched just now.
   */
  function unrefreshed(fetchedBefore: number | undefined): UnrefreshedKeys | undefined {
    if (fetchedBefore === undefined || cache.uat !== fetchedBefore || !keys?.coolingDown) return undefined;
    const cooldownMs = options.jwksCooldownMs ?? JWKS_COOLDOWN_MS;
    // On jose's clock, which dates each fetch by Date.now.
    const agoMs = Math.max(0, Date.now() - fetchedBefore);
    return { fetchedAgoS: Math.floor(agoMs / 1000), refetchInS: Math.max(1, Math.ceil((cooldownMs - agoMs) / 1000)) };
  }

  /** The 503 for keys that could not be fetched. */
  function keysFailure(error: unknown): OAuthError {
    // jose's own timeout says "request timed out: The operation was aborted due to timeout": say it as for metadata.
    const timedOut = error instanceof errors.JWKSTimeout ? { name: "TimeoutError" } : error;
    const why = new Error(requestFailure(timedOut, options.timeoutMs));
    return cannotCheck(why, `cannot fetch the keys of ${options.issuer}`);
  }

  const introspect = tokenIntrospector(options);

  return {
    metadata,
    verifyAccessToken: (token) => (/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token) ? verifyJwt(token) : introspect(token)),
  };
}
