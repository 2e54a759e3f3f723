// The fetcher's second stage: resending a request that may be resent (idempotent, or with an Idempotency-Key)
// answered 429 or 503. hops.ts decides whether and how long to wait (Retry-After, else backing off); this stage waits
// and resends, and hands the answer back as it is, Retry-After and all, when the wait would pass the bound or the
// call's deadline.
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@mcp-toolkit/core";
import type { Dispatcher } from "undici";
import type { Progress } from "./fetch-errors.js";
import { retryDelay, shouldRetry } from "./hops.js";

export interface RetryRules {
  /** Resends after the first answer. */
  maxRetries: number;
  /** Longest Retry-After honoured. */
  maxRetryWaitMs: number;
  logger: Logger;
}

/** What one hop's sending needs from the call around it. */
export interface RetryCall {
  /** performance.now() at which the whole call's time limit passes. */
  deadlineAt: number;
  signal: AbortSignal;
  progress: Progress;
  /** Told of each resend, for the call's retry count and the hop's span. */
  onResend: () => void;
  /** Resends the call made on its earlier hops: maxRetries bounds the whole call's, redirects included. */
  retried: number;
}

/** Send once through `send`, then again while the answer asks for a retry that fits; the last answer is returned. */
export async function sendWithRetries(
  send: () => Promise<Dispatcher.ResponseData>,
  request: { method: string; url: URL; headers?: Readonly<Record<string, string>> | undefined },
  rules: RetryRules,
  call: RetryCall,
): Promise<Dispatcher.ResponseData> {
  let response = await send();
  for (let attempt = call.retried; shouldRetry(request, response.statusCode, attempt, rules.maxRetries); attempt++) {
    const wait = retryDelay(response.headers["retry-after"], attempt);
    if (wait > rules.maxRetryWaitMs || performance.now() + wait >= call.deadlineAt) break;
    await response.body.dump();
    rules.logger.debug(`${response.statusCode} from ${request.url.host}; retrying in ${wait} ms`);
    call.progress.phase = `waiting ${wait} ms to retry`;
    await sleep(wait, undefined, { signal: call.signal });
    call.onResend();
    response = await send();
  }
  return response;
}
