// What a model is told to do after a request failed part-way (a broken connection, a time limit, the server
// stopping), by the method and how far the request got: a request that changes things is not simply sent again once
// it may have reached the other side. Pure.
import { isIdempotent } from "./outgoing-request.js";
import { MAX_CONNECTIONS_PER_ORIGIN } from "./pool.js";

/** What a request that changes things and may have been acted on is told to do before it is sent again. */
const CHECK_FIRST = "check its effect (GET what it would change) before sending it again";

/**
 * CHECK_FIRST, or for a request sent with an `Idempotency-Key` (`keyed`): that the same key makes sending it again
 * safe with an API that honours it, which answers with the first request's outcome rather than acting twice.
 */
function checkFirst(keyed: boolean): string {
  return keyed
    ? "send it again with the same Idempotency-Key, which an API that honours the key answers with the first outcome rather than acting twice (with one that does not, check its effect first: GET what it would change)"
    : CHECK_FIRST;
}

/**
 * What to do once a connection broke: an idempotent request may simply be sent again, but one that changes things
 * may have been acted on, and sending it again could do it twice (unless `keyed`: see checkFirst).
 */
export function brokenAdvice(method: string, phase: string, keyed = false): string {
  if (isIdempotent(method)) return "calling again may work";
  return `${actedOn(method, phase, "the connection broke")}: ${checkFirst(keyed)}`;
}

/**
 * What to try after a request was stopped by this server shutting down: a request that changes things is not simply
 * sent again once it may have reached the other side, as brokenAdvice says for a broken connection.
 */
export function stoppedAdvice(method: string, phase: string, keyed = false): string {
  const again = "call again (another instance may answer)";
  if (isIdempotent(method) || phase === "connecting" || phase === "waiting for the rate limit") {
    return isIdempotent(method) ? again : `it was not sent: ${again}`;
  }
  return `${actedOn(method, phase, "it was stopped")}: ${checkFirst(keyed)} (another instance may answer)`;
}

/** Whether a request that changes things was acted on, by how far it had got when `cut` happened. */
function actedOn(method: string, phase: string, cut: string): string {
  return phase === "reading the response body"
    ? `the ${method} was answered before ${cut}, so it was acted on`
    : `the ${method} may have been acted on before ${cut}`;
}

/**
 * What to try after a timeout, by what it interrupted: asking for less helps only while a body was arriving. A
 * `method` that changes things and was sent may be acted on though unanswered, so it is not simply tried again.
 */
export function timeoutAdvice(phase: string, method = "GET", keyed = false): string {
  if (phase === "connecting") return "the host did not accept a connection in time: check the host and port";
  if (phase === "waiting for response headers") {
    const queued = `or, with more than ${MAX_CONNECTIONS_PER_ORIGIN} calls to one host at once, this one waited its turn here`;
    if (!isIdempotent(method)) {
      return `the server had not begun to answer: it may be slow or stuck (${queued}), and may have received the ${method} and be acting on it all the same: ${checkFirst(keyed)}`;
    }
    return `the server had not begun to answer: it may be slow or stuck (${queued}); try again later, or a lighter request (fewer results, a narrower filter) if it computes its reply`;
  }
  if (phase === "reading the response body") return "ask for less (a smaller page or range)";
  return "the wait outlasted the time limit; try again later";
}
