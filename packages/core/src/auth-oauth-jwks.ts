// The fetch the issuer's JWKS is read with. jose refetches it for a token naming a key it has not seen at most once
// per cooldown, counted from the last fetch that worked: while the issuer's JWKS fails, every such token would ask
// again (each waiting out the timeout on a hung issuer). Here a failure stands for a while instead, as a failed
// metadata look-up does, so requests meanwhile get their 503 at once and the issuer is asked once per pause. And
// which of jose's errors mean the keys could not be fetched, rather than a verdict on the token; and the keys the last
// fetch that worked brought, which check tokens for a while when the issuer cannot be reached.
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

/**
 * How long after the last fetch of the issuer's JWKS that worked its keys still check tokens while the issuer cannot
 * be reached (past jose's own 10 minutes); after that every JWT gets 503 until the issuer answers.
 */
export const HELD_KEYS_MAX_AGE_MS = 60 * 60_000;

/** What jose keeps (its `jwksCache`) of each fetch of the JWKS that worked: the keys, and when, by Date.now. */
export interface JwksCache {
  jwks?: JSONWebKeySet;
  uat?: number;
}

interface Failure {
  until: number;
  error?: unknown;
  status?: number;
}

/** A fetch for jose's `customFetch` that answers as the last failure did, without asking, for `standMs` after it. */
export function standingFailureFetch(
  standMs: number,
  fetchImpl: typeof fetch = fetch,
  now: () => number = Date.now,
): typeof fetch {
  let failure: Failure | undefined;
  return async (input, init) => {
    if (failure && now() < failure.until) {
      if (failure.status === undefined) throw failure.error;
      return new Response(null, { status: failure.status });
    }
    failure = undefined;
    try {
      const response = await fetchImpl(input, init);
      if (response.status !== 200) failure = { until: now() + standMs, status: response.status };
      return response;
    } catch (error) {
      failure = { until: now() + standMs, error };
      throw error;
    }
  };
}

/** Whether jose failed to fetch the issuer's keys (down, slow, not 200), rather than judging the token. */
export function keysUnreachable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  // A network failure reaches us as fetch's own TypeError, not a JOSE error.
  if (!(error instanceof errors.JOSEError)) return true;
  return error.code === errors.JOSEError.code && error.message.includes("JSON Web Key Set HTTP response");
}

/**
 * The keys the issuer last published, to check tokens with while it cannot be reached; none after HELD_KEYS_MAX_AGE_MS,
 * as a key it withdrew (leaked, say) must not stay good for as long as it is away.
 */
export function heldKeys(cache: JwksCache): JWTVerifyGetKey | undefined {
  // On jose's clock, which dates each fetch (uat) by Date.now, not on the clock tokens are judged by.
  const age = Date.now() - (cache.uat ?? Number.NEGATIVE_INFINITY);
  return cache.jwks && age <= HELD_KEYS_MAX_AGE_MS ? createLocalJWKSet(cache.jwks) : undefined;
}
