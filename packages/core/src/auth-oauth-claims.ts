// What a token's claims say, apart from checking them (auth-oauth.ts): the caller and scopes of an accepted token, a
// refresh token passed off as an access token, and the one line that tells the client why a JWT was refused or
// could not be checked.
import type { AuthInfo } from "@modelcontextprotocol/server";
import { OAuthError, OAuthErrorCode } from "@modelcontextprotocol/server";
import { decodeJwt, decodeProtectedHeader, errors } from "jose";
import type { OAuthOptions } from "./auth-oauth.js";
import { IssuerMisconfigured } from "./auth-oauth-issuer.js";

/** Clock skew tolerated on `exp` and `nbf`, in seconds. */
export const CLOCK_SKEW_S = 60;

/**
 * The identity and scopes a verified token carries, as the SDK's AuthInfo; its `extra.claims` holds every claim, for
 * the authenticator to read the policy's group and role claims from (and drop before a server sees the AuthInfo).
 */
export function authInfoOf(token: string, claims: Record<string, unknown>, resource: string): AuthInfo {
  const words = (value: unknown) =>
    typeof value === "string"
      ? value.split(" ").filter(Boolean)
      : Array.isArray(value)
        ? value.filter((s): s is string => typeof s === "string")
        : undefined;
  // `scope` (RFC 9068), `scp` (Okta, Entra ID delegated tokens), or `roles` (Entra ID app-only tokens). A token that
  // has `scope` or `scp`, even an empty one, is one a user's consent made: its `roles` are that user's (Entra's app
  // roles assigned to users), never taken as what the client was granted. The policy's `claims` reads them.
  const scopes = words(claims.scope) ?? words(claims.scp) ?? words(claims.roles) ?? [];
  const clientId = [claims.client_id, claims.azp, claims.cid, claims.appid].find((v) => typeof v === "string") as
    | string
    | undefined;
  return {
    token,
    clientId: clientId ?? "",
    scopes,
    ...(typeof claims.exp === "number" ? { expiresAt: claims.exp } : {}),
    resource: new URL(resource),
    extra: { sub: typeof claims.sub === "string" ? claims.sub : undefined, claims },
  };
}

/** A refusal of the token itself: a 401 with error invalid_token and `message` as its description. */
export const invalidToken = (message: string) => new OAuthError(OAuthErrorCode.InvalidToken, message);

/**
 * Tokens cannot be checked now, for a reason that may pass (the issuer down or slow): the request may be retried,
 * and the token is not judged. A misconfiguration is a server error instead.
 */
export function cannotCheck(error: unknown, what: string): OAuthError {
  const message = `${what}: ${(error as Error).message}`;
  return error instanceof IssuerMisconfigured
    ? new OAuthError(OAuthErrorCode.ServerError, message)
    : new OAuthError(OAuthErrorCode.TemporarilyUnavailable, message);
}

/**
 * The claim that names a token a refresh token, if one does: RFC 7662's `token_type`, Ory Hydra's `token_use`,
 * Keycloak's `typ` (`Refresh`, or `Offline` for the refresh token of an offline_access grant). A provider that puts
 * this server in a refresh token's `aud` would else have it taken as access.
 */
export function refreshTokenClaim(claims: Record<string, unknown>): string | undefined {
  for (const name of ["token_type", "token_use", "typ"]) {
    const value = claims[name];
    if (typeof value === "string" && (/refresh/i.test(value) || (name === "typ" && /^offline$/i.test(value))))
      return `${name} ${value.slice(0, 40).replace(/[^\w.:-]/g, "?")}`;
  }
  return undefined;
}

/** Refuse claims that name a refresh token. */
export function refuseRefreshToken(claims: Record<string, unknown>): void {
  const claim = refreshTokenClaim(claims);
  if (claim) throw invalidToken(`token is a refresh token (${claim}), not an access token; send the access token`);
}

/** The `iss` a JWT names, unverified (only to explain a refusal), if it names one the way a URL is written. */
function claimedIssuer(token: string): string | undefined {
  try {
    const iss = decodeJwt(token).iss;
    return typeof iss === "string" && /^https?:\/\/[\w.:[\]/%-]{1,200}$/.test(iss) ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a token names in a claim (`aud`, `iss`), for a refusal, so that a near miss (a trailing slash, http for https)
 * shows: at most three values, each printable and at most 200 characters; "nothing" for none.
 */
export function namedInClaim(value: unknown): string {
  const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
  if (values.length === 0) return "nothing";
  const shown = values.slice(0, 3).map((v) => v.slice(0, 200).replace(/[^\w.:/?#[\]@!$&'()*+,;=%~-]/g, "?"));
  return `${shown.join(", ")}${values.length > 3 ? ` and ${values.length - 3} more` : ""}`;
}

/** The 401 description of a token for another audience: the one expected, and what the token names. */
export const otherAudience = (expected: string, aud: unknown) =>
  `token was not issued for this resource (${expected}); it names ${namedInClaim(aud)} in aud`;

/** The 401 description of a token of another issuer: what it names, and the one expected. */
export const otherIssuer = (expected: string, iss: unknown) =>
  `token was issued by another issuer (it names ${namedInClaim(iss)}, not ${expected})`;

/** The `kid` a JWT's header names, as ` (kid …)` for a message (printable, at most 40 characters), or "". */
function keyIdOf(token: string): string {
  try {
    const kid = decodeProtectedHeader(token).kid;
    return typeof kid === "string" ? ` (kid ${kid.slice(0, 40).replace(/[^\w.:+/-]/g, "?")})` : "";
  } catch {
    return "";
  }
}

/**
 * When a token's key was looked for only among keys fetched earlier, which jose will not fetch again yet (its
 * cooldown): how long ago they were fetched, and in how long an unknown key makes it fetch them again, in seconds.
 */
export interface UnrefreshedKeys {
  fetchedAgoS: number;
  refetchInS: number;
}

/**
 * One line for the client about why a token was refused; never the token itself. `unrefreshed`: its key was looked
 * for only among keys fetched earlier, so the issuer may publish it by now (it has just rotated its keys).
 */
export function describeJoseError(
  error: unknown,
  options: OAuthOptions,
  token: string,
  unrefreshed?: UnrefreshedKeys,
): string {
  if (error instanceof errors.JWTExpired) return "token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    // The claims are read after the signature verified: they are the issuer's, not made up by the caller.
    if (error.claim === "aud") return otherAudience(options.audience ?? options.resource, error.payload.aud);
    if (error.claim === "iss") return otherIssuer(options.issuer, error.payload.iss);
    if (error.claim === "nbf") return "token is not valid yet";
    // jose says "missing" for no exp at all, and "invalid" for one that is not a NumericDate.
    if (error.claim === "exp" && error.reason === "missing")
      return "token has no exp (expiry) claim, and one that never expires is not accepted";
    if (error.claim === "exp") return "token's exp (expiry) claim is not a number of seconds";
    return `token claim ${error.claim} is not acceptable`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "token is signed with an algorithm that is not accepted";
  if (error instanceof errors.JWKSNoMatchingKey) {
    // The signature is checked before the claims, so a token of another provider fails here: say whose it says it is.
    const claimed = claimedIssuer(token);
    if (claimed !== undefined && claimed !== options.issuer)
      return `token was issued by another issuer (it names ${claimed}, not ${options.issuer}), with a key ${options.issuer} does not publish`;
    if (!unrefreshed) return "token is signed with a key the issuer does not publish";
    return `token is signed with a key${keyIdOf(token)} that was not among those ${options.issuer} published when its keys were fetched ${unrefreshed.fetchedAgoS} s ago; they are fetched again for an unknown key only after a pause: if the issuer has just rotated its keys, send the token again in ${unrefreshed.refetchInS} s`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "token signature does not verify";
  return `token is not valid (${(error as Error).message})`;
}

/** The generic typ of any JWT (RFC 7519), which says nothing of what kind of token it is. */
const GENERIC_TYP = "jwt";

/**
 * Why a JWT's header `typ` does not make it an access token, if it does not. RFC 9068 §4: only `at+jwt` (as media
 * types compare: any case, `application/` optional). `allowUntyped` also lets in a token with no typ or the generic
 * `JWT`, as Keycloak, Entra ID and Okta issue theirs; any other typ names another kind of JWT (a DPoP proof, a
 * logout token) and is refused either way.
 */
export function accessTokenTypProblem(typ: unknown, allowUntyped: boolean): string | undefined {
  const type =
    typeof typ === "string"
      ? typ
          .trim()
          .toLowerCase()
          .replace(/^application\//, "")
      : undefined;
  if (type === "at+jwt") return undefined;
  const untyped = typ === undefined || type === GENERIC_TYP;
  if (untyped && allowUntyped) return undefined;
  const said =
    typ === undefined
      ? "has no typ"
      : `says typ ${typeof typ === "string" ? typ.slice(0, 40).replace(/[^\w.:+/-]/g, "?") : `of type ${typeof typ}`}`;
  return untyped
    ? `token's header ${said}, not at+jwt, so it does not say it is an access token (RFC 9068); a server whose provider issues its access tokens so must allow untyped JWTs (the bins' --allow-untyped-jwt, MCP_OAUTH_ALLOW_UNTYPED_JWT=1; oauthAuthenticator's allowUntypedJwt: true)`
    : `token's header ${said}, not at+jwt: it is another kind of JWT, not an access token (RFC 9068); send the access token`;
}
