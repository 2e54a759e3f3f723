import type Anthropic from "@anthropic-ai/sdk";
import { backoff, overlongAsk, sdkRetry, waitText } from "./api-retry.js";
import type { AgentConfig } from "./config.js";
import { describeFailure } from "./describe-failure.js";
import { type ModelFacts, modelFacts } from "./model-facts.js";
import { oneLine } from "./one-line.js";
import type { Renderer } from "./render.js";
import { NoAnswer } from "./stream-idle.js";
import type { RunStats } from "./summary.js";

/**
 * A request option (`fetchOptions: { [ON_BYTES]: fn }`) that has `fn` called on each chunk of the response body as
 * it arrives. The SDK passes fetchOptions on to the client's fetch, but it drops `ping` events before any stream
 * event is seen: bytes are the only sign of life a quiet, healthy reply gives (stream-idle.ts).
 */
export const ON_BYTES = Symbol("mcp-agent.onBytes");

/**
 * A request option (`fetchOptions: { [ANSWER_WITHIN]: ms }`): the response headers must come within `ms`, else the
 * attempt fails with NoAnswer, which the SDK retries as a connection failure. The SDK's own timeout is 10 minutes.
 */
export const ANSWER_WITHIN = Symbol("mcp-agent.answerWithin");

/** fetch, failing with NoAnswer when the response headers take longer than `ms`. */
async function answeredWithin(input: Parameters<typeof fetch>[0], init: RequestInit | undefined, ms: number) {
  const late = new AbortController();
  const timer = setTimeout(() => late.abort(new NoAnswer(ms)), ms);
  const signal = init?.signal ? AbortSignal.any([init.signal, late.signal]) : late.signal;
  try {
    return await fetch(input, { ...init, signal });
  } catch (error) {
    throw late.signal.aborted && !init?.signal?.aborted ? late.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}

/** The response, its body calling `onBytes` on each chunk that arrives. */
function observingBody(response: Response, onBytes: () => void): Response {
  if (!response.body) return response;
  const seen = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      onBytes();
      controller.enqueue(chunk);
    },
  });
  const { status, statusText, headers } = response;
  return new Response(response.body.pipeThrough(seen), { status, statusText, headers });
}

/** The answer marked `x-should-retry: false`, so that the SDK ends the request with it rather than wait. */
function retryRefused(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set("x-should-retry", "false");
  const { status, statusText } = response;
  return new Response(response.body, { status, statusText, headers });
}

/** fetch that reports each retry the SDK is about to make, with its wait, in one line; then the SDK retries. */
function observingFetch(maxRetries: number, renderer: Renderer, stats: RunStats): typeof fetch {
  return async (input, init) => {
    const attempt = Number(new Headers(init?.headers).get("x-stainless-retry-count") ?? 0);
    const within = (init as { [ANSWER_WITHIN]?: number } | undefined)?.[ANSWER_WITHIN];
    let response: Response;
    try {
      response = within === undefined ? await fetch(input, init) : await answeredWithin(input, init, within);
    } catch (error) {
      // The SDK retries every failure to connect (refused, reset, no such host, TLS) as it does a 5xx; an aborted
      // signal is the run stopping (or the SDK's own 10-minute timeout), which is not retried or is said elsewhere.
      if (attempt < maxRetries && (error instanceof NoAnswer || !init?.signal?.aborted)) {
        stats.retries++;
        const what =
          error instanceof NoAnswer ? error.quiet : `connection failed (${oneLine(describeFailure(error), 160)})`;
        renderer.notice(`API ${what}; retrying in ${waitText(backoff(attempt))} (${attempt + 1}/${maxRetries})`);
      }
      throw error;
    }
    const retry = sdkRetry(response.status, response.headers, attempt, maxRetries, Date.now());
    if (retry) {
      stats.retries++;
      renderer.notice(`API ${retry.what}; retrying in ${waitText(retry)} (${attempt + 1}/${maxRetries})`);
    } else if (overlongAsk(response.status, response.headers, Date.now()) !== undefined) {
      response = retryRefused(response);
    }
    const onBytes = (init as { [ON_BYTES]?: () => void } | undefined)?.[ON_BYTES];
    return onBytes ? observingBody(response, onBytes) : response;
  };
}

/** The Messages API client: key or bearer token, base URL, retries with one-line reports. */
export async function createClient(config: AgentConfig, renderer: Renderer, stats: RunStats): Promise<Anthropic> {
  const { default: AnthropicClient } = await import("@anthropic-ai/sdk");
  return new AnthropicClient({
    ...clientOptions(config),
    maxRetries: config.maxRetries,
    fetch: observingFetch(config.maxRetries, renderer, stats),
  });
}

/** What every client of the run's Messages API shares: its credentials and endpoint, and nothing logged or traced. */
function clientOptions(config: AgentConfig) {
  return {
    apiKey: config.apiKey ?? null,
    authToken: config.authToken ?? null,
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    logLevel: "off" as const,
    // Each model turn is traced once, as the agent's `chat <model>` span (telemetry.ts); the SDK's own call span,
    // which joins whenever it shares our @opentelemetry/api, would count every turn twice.
    openTelemetry: false as const,
  };
}

/**
 * Ask the Models API about the run's model while the servers boot (`GET /v1/models/{id}`, no retries, 10 s at most):
 * its context window lets a long session be shortened before a request would be refused (context-gauge.ts), and a
 * deprecated or retired model is named. It also loads Node's fetch stack and leaves the keep-alive connection
 * (TCP + TLS) that the first real request reuses. Any failure — a gateway without the Models API, a key it refuses,
 * no answer — is undefined: the request proper reports problems.
 */
export async function lookUpModel(
  config: AgentConfig,
  sdk: Promise<typeof import("@anthropic-ai/sdk")>,
  withinMs = MODEL_LOOKUP_MS,
): Promise<ModelFacts | undefined> {
  try {
    const { default: AnthropicClient } = await sdk;
    const client = new AnthropicClient({ ...clientOptions(config), maxRetries: 0, timeout: withinMs });
    // The SDK's timeout ends with the response headers: a body that then stalls (a proxy holding the connection)
    // would keep the look-up, and its connection, for the whole run. The signal bounds the body too.
    const signal = AbortSignal.timeout(withinMs);
    return modelFacts(await client.models.retrieve(config.model, {}, { signal }));
  } catch {
    return undefined;
  }
}

/** The longest the Models API look-up may take, its answer's body included. */
export const MODEL_LOOKUP_MS = 10_000;
