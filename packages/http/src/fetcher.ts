import { optionNames, plural, silentLogger } from "@mcp-toolkit/core";
import type { Dispatcher } from "undici";
import { credentialHeadersFor } from "./credentials.js";
import { describeError, FetchError, type Progress } from "./fetch-errors.js";
import type { Fetcher, FetcherOptions, FetchRequest, FetchResponse } from "./fetch-request.js";
import { hopTraceHeaders, startHopSpan } from "./hop-span.js";
import { firstHeader, isRedirect, keepsMethod, leftBehind, nextHop } from "./hops.js";
import { effectivePort } from "./host-name.js";
import { createPool } from "./pool.js";
import { createRateGate } from "./rate-gate.js";
import { readResponseBody } from "./response-body.js";
import { sendWithRetries } from "./retries.js";
import { checkUrl } from "./url-policy.js";

/**
 * The Accept sent when a call gives none: many APIs answer XML or an HTML page unless asked for JSON, and an empty
 * Accept lets them. Any other type is still taken, last, so no server answers 406 for want of a match.
 */
export const DEFAULT_ACCEPT = "application/json, text/html;q=0.9, text/plain;q=0.8, */*;q=0.5";

/**
 * Create the fetcher. Each hop passes the URL policy, then the stages: the rate gate (rate-gate.ts), the pool whose
 * every dial is checked (pool.ts), resends on 429/503 (retries.ts); a redirect starts the next hop (hops.ts).
 */
export function createFetcher(options: FetcherOptions): Fetcher {
  const logger = options.logger ?? silentLogger;
  const settingNames = options.settingNames ?? optionNames;
  const pool = createPool(options, options.timeoutMs, options.lookup);
  const gate = createRateGate(options.rateLimit, { timeoutMs: options.timeoutMs, settingNames, logger });
  const retryRules = { maxRetries: options.maxRetries, maxRetryWaitMs: options.maxRetryWaitMs, logger };

  async function send(
    request: FetchRequest,
    signal: AbortSignal,
    progress: Progress,
    trace: Record<string, string> | undefined,
  ): Promise<Dispatcher.ResponseData> {
    const { url } = request;
    await gate.wait(url, signal, progress);
    const headers = {
      "user-agent": "mcp-toolkit-http",
      accept: DEFAULT_ACCEPT,
      "accept-encoding": "gzip, deflate, br",
      ...trace,
      ...request.headers,
      ...credentialHeadersFor(url, effectivePort(url), options.credentials),
    };
    progress.phase = "waiting for response headers";
    return pool.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.method as Dispatcher.HttpMethod,
      headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal,
    });
  }

  async function fetchOnce(
    start: FetchRequest,
    signal: AbortSignal,
    deadline: { at: number; signal: AbortSignal },
    progress: Progress,
    current: { request: FetchRequest; hop: number },
  ): Promise<FetchResponse> {
    let request = start;
    let retries = 0;
    let madeGet: FetchResponse["madeGet"];
    for (let hop = 0; ; hop++) {
      Object.assign(current, { request, hop });
      const verdict = checkUrl(request.url, options);
      if (!verdict.ok) {
        throw new FetchError(
          "refused",
          hop === 0 ? verdict.reason : `redirect to ${request.url.href} ${verdict.reason}`,
        );
      }
      const span = startHopSpan(request.method, request.url);
      // Each hop's own: a redirect to a host not listed in traceHosts is sent none.
      const trace = hopTraceHeaders(span, request.url, request.headers, options.traceHosts);
      let response: Dispatcher.ResponseData;
      let resent = 0;
      try {
        const hopRequest = request;
        response = await sendWithRetries(() => send(hopRequest, signal, progress, trace), request, retryRules, {
          deadlineAt: deadline.at,
          signal,
          progress,
          onResend: () => {
            retries++;
            resent++;
          },
          retried: retries,
        });
      } catch (error) {
        span.set({ "http.request.resend_count": resent || undefined });
        span.fail(error instanceof FetchError ? error.kind : error instanceof Error ? error.name : "Error");
        span.end();
        throw error;
      }
      span.set({ "http.response.status_code": response.statusCode, "http.request.resend_count": resent || undefined });
      if (response.statusCode >= 400) span.fail(String(response.statusCode));
      span.end();
      const location = firstHeader(response.headers, "location");
      // maxRedirects 0 means "do not follow": the 3xx itself, Location and all, is the answer.
      const stop =
        options.maxRedirects === 0 || (request.confirmed === true && keepsMethod(request.method, response.statusCode));
      if (!isRedirect(response.statusCode) || location === undefined || stop) {
        progress.phase = "reading the response body";
        const read = await readResponseBody(
          request,
          response,
          progress,
          { deadline: deadline.signal, signal },
          options.maxResponseBytes,
        );
        const left = leftBehind(start.headers, request.headers);
        return {
          ...read,
          url: request.url.href,
          redirects: hop,
          retries,
          ...(left.length > 0 ? { leftBehind: left } : {}),
          ...(madeGet ? { madeGet } : {}),
        };
      }
      await response.body.dump();
      if (hop >= options.maxRedirects) {
        throw new FetchError(
          "redirect",
          `too many redirects: stopped after ${options.maxRedirects} at ${request.url.href} → ${location}; the chain may loop`,
        );
      }
      const next = nextHop(request, response.statusCode, location);
      if (next.method !== request.method && !madeGet) {
        madeGet = { method: request.method, status: response.statusCode, url: request.url.href };
      }
      request = next;
    }
  }

  return {
    options,
    async fetch(request, signal, watch) {
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
      const started = performance.now();
      const progress: Progress = { phase: "connecting", bytes: 0 };
      watch?.(progress);
      // The hop in flight: a failure after a redirect is the redirect target's, and is named as such.
      const current = { request, hop: 0 };
      try {
        const response = await fetchOnce(
          request,
          combined,
          { at: started + options.timeoutMs, signal: deadline },
          progress,
          current,
        );
        logger.debug(
          `${request.method} ${request.url.host} → ${response.status} in ${Math.round(performance.now() - started)} ms`,
        );
        return response;
      } catch (error) {
        const described = describeError(error, current.request, {
          deadline,
          signal,
          timeoutMs: options.timeoutMs,
          progress,
          settingNames,
        });
        if (error instanceof FetchError || current.hop === 0) throw described;
        const via = `${current.request.url.href}, reached by ${plural(current.hop, "redirect")} from ${request.url.href}`;
        throw new FetchError(described.kind, `${described.message} (at ${via})`);
      }
    },
    close: () => pool.close(),
  };
}
