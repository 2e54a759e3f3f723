import { definePrompt, rateText } from "@mcp-toolkit/core";
import { credentialHeadersFor, isLocal, withheldOverHttp } from "../credentials.js";
import type { ToolContext } from "../exchange.js";
import type { FetcherOptions } from "../fetch-request.js";
import { effectivePort, urlHost } from "../host-name.js";
import { checkUrl, parsePattern, parseTarget } from "../url-policy.js";

/**
 * The hosts an operator configured (allowed hosts and hosts with credentials), as URLs to complete `url` with: only
 * those the prompt itself would take, so a loopback or private host the address policy refuses is never offered.
 */
export function configuredOrigins(ctx: ToolContext): string[] {
  const { allowHosts, credentials } = ctx.fetcher.options;
  const patterns = [...allowHosts, ...credentials.rules.map((rule) => rule.pattern)];
  // A wildcard names no single host to suggest.
  const origins = patterns
    .filter((p) => !p.startsWith("*."))
    .map((p) => `${schemeFor(p)}://${urlHost(p.trim().toLowerCase())}/`)
    .filter((origin) => {
      const target = parseTarget(origin);
      return target.ok && checkUrl(target.url, ctx.fetcher.options).ok;
    });
  return [...new Set(origins)].sort();
}

/**
 * The scheme a configured host is likely served over: its port's (80 or 443) when it names one, else plain http for
 * a local development host (localhost, a loopback or private address), https for the rest.
 */
function schemeFor(pattern: string): "http" | "https" {
  const parsed = parsePattern(pattern);
  if (parsed?.port === 443) return "https";
  if (parsed?.port === 80) return "http";
  return parsed && isLocal(parsed.host) ? "http" : "https";
}

/** `call-api {url} {goal}`: how to use the tools safely against one API, with its credentials named, never shown. */
export function callApiPrompt(ctx: ToolContext) {
  return definePrompt({
    name: "call-api",
    title: "Call an API",
    description:
      "How to reach a goal with an HTTP API through this server: its methods, limits and which credentials it adds for that host (by name only).",
    arguments: {
      url: {
        description: "The API's base URL or the endpoint to start from (http or https).",
        complete: (typed) => {
          const lower = typed.toLowerCase();
          return configuredOrigins(ctx).filter((origin) => origin.startsWith(lower) || origin.includes(`//${lower}`));
        },
      },
      goal: { description: "What you want to get done with the API." },
    },
    handler: async ({ url, goal }) => {
      const target = parseTarget(url ?? "");
      if (!target.ok) throw new Error(`url: ${target.reason}`);
      const verdict = checkUrl(target.url, ctx.fetcher.options);
      if (!verdict.ok) throw new Error(`url: this server will not call it: ${verdict.reason}`);
      if (!goal?.trim()) throw new Error("goal: say what you want to get done with the API");
      return {
        description: `Calling ${target.url.host}: ${goal}`,
        messages: [{ role: "user", content: { type: "text", text: guide(ctx, target.url, goal.trim()) } }],
      };
    },
  });
}

function guide(ctx: ToolContext, url: URL, goal: string): string {
  const options = ctx.fetcher.options;
  const names = Object.keys(credentialHeadersFor(url, effectivePort(url), options.credentials));
  const httpsOnly = withheldOverHttp(url, effectivePort(url), options.credentials).length > 0;
  const credentials =
    names.length > 0
      ? `The server adds these headers to every request to ${url.host}: ${names.join(", ")}. You never see their values: do not ask for them, do not set these headers yourself, and never put secrets in URLs or bodies.`
      : httpsOnly
        ? `No credentials are sent to ${url.host} over plain http; if the API needs them, use its https URL.`
        : `No credentials are configured for ${url.host}: call only what it serves without them, and never put secrets in URLs or bodies.`;
  const methods = ctx.readOnly
    ? "This server is read-only: only GET and HEAD (http_get, or http_request for HEAD)."
    : `Read with http_get; create with http_post; use http_request for PUT, PATCH and DELETE.${ctx.confirm === "destructive" ? " A DELETE first asks the user, and is not sent if they decline." : ""}`;
  const limits = [
    `each call must finish within ${Math.round(options.timeoutMs / 1000)} s (redirects and retries included)`,
    `bodies are read up to ${options.maxResponseBytes} bytes`,
    `a result shows ${ctx.defaultMaxLength} characters of body; page with http_request start_index`,
    `at most ${options.maxRedirects} redirects, each checked`,
    // Whole requests a second read best as such; 1/min as 0.0166… a second would not.
    ...(options.rateLimit
      ? [
          Number.isInteger(options.rateLimit.perSecond)
            ? `at most ${options.rateLimit.perSecond} requests per second to one host`
            : `at most ${rateText(options.rateLimit)} requests to one host`,
        ]
      : []),
  ];
  return [
    `Goal: ${goal}`,
    `API: ${url.href}`,
    "",
    "Use this server's HTTP tools to reach the goal, safely:",
    `- Credentials: ${credentials}`,
    `- Methods: ${methods}`,
    `- Limits: ${limits.join("; ")}.`,
    "- Read before you change anything: GET the endpoint (or the API's documentation) first, and only send a request that changes data when the goal needs it; say what it will change before sending it.",
    `- On an error status, read the body: a 4xx other than 429 means fix the request (never retry it unchanged). ${retries(options)}`,
    "",
    "Start with a one-sentence plan, then make the first call.",
  ].join("\n");
}

/** How 429 and 503 are retried here, and what one that still comes back asks for: waiting, not a changed request. */
function retries(options: FetcherOptions): string {
  const after = "a 429 or 503 that reaches you means wait as long as its Retry-After says, then call again unchanged";
  if (options.maxRetries === 0) return `A 429 or 503 is not retried here: ${after}.`;
  const wait = Math.round(options.maxRetryWaitMs / 1000);
  return `A 429 or 503 to GET, HEAD, PUT, DELETE or OPTIONS is already retried here (up to ${options.maxRetries} times, when it asks to wait at most ${wait} s); ${after}.`;
}
