// The fetch the issuer's JWKS is read with. jose refetches it for a token naming a key it has not seen at most once
// per cooldown, counted from the last fetch that worked: while the issuer's JWKS fails, every such token would ask
// again (each waiting out the timeout on a hung issuer). Here a failure stands for a while instead, as a failed
// metadata look-up does, so requests meanwhile get their 503 at once and the issuer is asked once per pause. And
// which of jose's errors mean the keys could not be fetched, rather than a verdict on the token.
import { errors } from "jose";

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
