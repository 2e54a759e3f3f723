// What createHttpServer takes: its options, their defaults, the rules they are checked by, and the pool's settings
// resolved from them (which the bin also runs at start-up, so a bad host pattern or rate fails in one line).
import {
  CONFIRM_RULE,
  type ConfirmMode,
  checkLibraryOptions,
  DEFAULT_MAX_IMAGE_BYTES,
  hasFunctions,
  ipv6PortSlip,
  type Logger,
  MAX_IMAGE_SIDE,
  MAX_TIMER_MS,
  type OptionRules,
  optionNames,
  parseRateLimit,
  RATE_LIMIT_RULES,
  type RateLimit,
  optionRule as rule,
  type SettingNames,
  silentLogger,
  wholeNumberProblem,
} from "@mcp-toolkit/core";
import { type Credentials, resolveCredentials } from "./credentials.js";
import type { Fetcher, FetcherOptions } from "./fetch-request.js";
import { DEFAULT_MAX_LENGTH } from "./page-length.js";
import { parsePattern } from "./url-policy.js";

/** Defaults for every limit; each is overridable through options, flags and env. */
export const HTTP_DEFAULTS = {
  timeoutMs: 30_000,
  maxResponseBytes: 1024 * 1024,
  maxRedirects: 5,
  maxRetries: 2,
  maxRetryWaitMs: 10_000,
  maxLength: DEFAULT_MAX_LENGTH,
  maxImageBytes: DEFAULT_MAX_IMAGE_BYTES,
  maxImageSide: MAX_IMAGE_SIDE,
} as const;

/** Options for createHttpServer. Everything is optional; the defaults refuse private networks. */
export interface HttpServerOptions {
  /** How refusals name settings. Default: these options' names (`allowPrivate: true`); the bin names its flags. */
  settingNames?: SettingNames;
  /** `host`, `host:port` or `*.example.com` patterns; when non-empty only these are reachable. Default: any public host. */
  allowHosts?: readonly string[];
  /** Permit loopback, private (10/8, 172.16/12, 192.168/16, 100.64/10), link-local and unique-local addresses. Default false. */
  allowPrivate?: boolean;
  /** Permit loopback alone (127.0.0.0/8, ::1, localhost): a local dev API, and no other private range. Default false. */
  allowLoopback?: boolean;
  /** Deadline for a whole call, redirects and retries included. Default 30 000 ms. */
  timeoutMs?: number;
  /** Decoded body bytes read per response; reading stops there. Default 1 MiB. */
  maxResponseBytes?: number;
  /**
   * `host`, `host:port` or `*.example.com` patterns: requests to these carry the trace context (W3C `traceparent`, or
   * what OTEL_PROPAGATORS names) while tracing is on, so the upstream's spans join the call's trace. Default none.
   */
  traceHosts?: readonly string[];
  /** `{"host[:port]": {"Header": "value with ${ENV} or ${ENV:-default}"}}`: headers added per host, never shown to the model. */
  credentials?: Credentials;
  /** Environment for `${ENV}` / `${ENV:-default}` expansion in credentials. Default process.env. */
  env?: Record<string, string | undefined>;
  /** `destructive`: an http_request DELETE asks the user first (MCP elicitation). Default `never`. */
  confirm?: ConfirmMode;
  /** Only GET and HEAD: http_post is not listed and http_request offers GET/HEAD only. Default false. */
  readOnly?: boolean;
  /** Per-host token bucket, as `{perSecond, burst}` or text like "10/s" or "120/min,burst=20". Default none. */
  rateLimit?: RateLimit | string | null;
  /** Redirects followed, each checked before it is sent. Default 5. */
  maxRedirects?: number;
  /** Retries of GET/HEAD/PUT/DELETE/OPTIONS on 429/503. Default 2. */
  maxRetries?: number;
  /** Longest Retry-After waited for; longer ones return the 429/503. Default 10 000 ms. */
  maxRetryWaitMs?: number;
  /**
   * Largest image body (PNG, JPEG, GIF or WebP, judged by its bytes) returned as image content; a larger one is
   * summarised. Default 1 MiB, as the filesystem server's.
   */
  maxImageBytes?: number;
  /**
   * Longest side, in pixels, of an image body returned as image content; a larger one is refused, as Claude's API
   * refuses it and the whole request with it. Default 8,000, that API's limit.
   */
  maxImageSide?: number;
  /**
   * Response body bytes all calls in flight may hold at once, from reading to result; a call beyond it waits its turn
   * (within its time limit). Default 16 MiB, or maxResponseBytes if higher; never below maxResponseBytes.
   */
  maxBufferedBytes?: number;
  /** HTML pages converted to markdown at once (each takes many times its size in heap); more wait their turn. Default 2. */
  maxConversions?: number;
  /** Body characters per result when the call gives no max_length. Default 10 000, or maxLengthLimit if lower. */
  maxLength?: number;
  /** The most body characters one result carries, whatever max_length asks. Default 100 000, or maxLength if higher. */
  maxLengthLimit?: number;
  logger?: Logger;
  /** Name resolution, dns.lookup by default; every address it returns is checked before it is dialled. */
  lookup?: FetcherOptions["lookup"];
  /**
   * A connection pool to share (from createFetcher). The CLI passes one so every session uses one keep-alive
   * pool; its policy then applies and the server does not close it. By default each server owns one.
   */
  fetcher?: Fetcher;
}

/** What each option must be, checked before anything is built: plain JavaScript callers get one clear error. */
export const HTTP_OPTION_RULES: OptionRules<HttpServerOptions> = {
  settingNames: rule.function,
  allowHosts: rule.texts,
  allowPrivate: rule.boolean,
  allowLoopback: rule.boolean,
  timeoutMs: rule.wholeNumber(1, MAX_TIMER_MS),
  maxResponseBytes: rule.wholeNumber(1),
  traceHosts: rule.texts,
  credentials: rule.object,
  env: rule.object,
  confirm: CONFIRM_RULE,
  readOnly: rule.boolean,
  rateLimit: {
    expects: 'null, { perSecond, burst } or text like "10/s"',
    test: (value) =>
      value === null || typeof value === "string" || (typeof value === "object" && !Array.isArray(value)),
  },
  maxRedirects: rule.wholeNumber(0),
  maxRetries: rule.wholeNumber(0),
  maxRetryWaitMs: rule.wholeNumber(0),
  maxImageBytes: rule.wholeNumber(1),
  maxImageSide: rule.wholeNumber(1),
  maxBufferedBytes: rule.wholeNumber(1),
  maxConversions: rule.wholeNumber(1),
  maxLength: rule.wholeNumber(1),
  maxLengthLimit: rule.wholeNumber(1),
  logger: rule.logger,
  lookup: rule.function,
  fetcher: {
    expects: "a pool from createFetcher(…): an object with fetch and close functions and its options",
    test: (value) =>
      hasFunctions(value, ["fetch", "close"]) && typeof (value as Fetcher).options?.credentials === "object",
  },
};

/** Check options and fill in defaults; throws naming the bad option: a TypeError for a wrong kind, a RangeError for a number out of range. */
export function resolveFetcherOptions(options: HttpServerOptions = {}): FetcherOptions {
  const positive = (name: keyof typeof HTTP_DEFAULTS, allowZero = false): number => {
    const value = (options[name] as number | undefined) ?? HTTP_DEFAULTS[name];
    const problem = wholeNumberProblem(value, name, { min: allowZero ? 0 : 1 });
    if (problem) throw new RangeError(problem);
    return value;
  };
  const rateLimit =
    typeof options.rateLimit === "string" ? parseRateLimit(options.rateLimit) : (options.rateLimit ?? null);
  if (rateLimit) checkLibraryOptions("rateLimit", rateLimit, RATE_LIMIT_RULES);
  for (const pattern of [...(options.allowHosts ?? []), ...Object.keys(options.credentials ?? {})]) {
    if (!parsePattern(pattern)) throw new TypeError(patternProblem(pattern));
  }
  for (const pattern of options.traceHosts ?? []) {
    if (!parsePattern(pattern)) throw new TypeError(traceHostProblem(pattern, options.settingNames ?? optionNames));
  }
  return {
    allowHosts: options.allowHosts ?? [],
    allowPrivate: options.allowPrivate ?? false,
    allowLoopback: options.allowLoopback ?? false,
    timeoutMs: positive("timeoutMs"),
    maxResponseBytes: positive("maxResponseBytes"),
    maxRedirects: positive("maxRedirects", true),
    maxRetries: positive("maxRetries", true),
    maxRetryWaitMs: positive("maxRetryWaitMs", true),
    rateLimit,
    credentials: resolveCredentials(options.credentials ?? {}, options.env ?? process.env),
    ...(options.traceHosts && options.traceHosts.length > 0 ? { traceHosts: options.traceHosts } : {}),
    logger: options.logger ?? silentLogger,
    ...(options.lookup ? { lookup: options.lookup } : {}),
    ...(options.settingNames ? { settingNames: options.settingNames } : {}),
  };
}

/** Why a traceHosts pattern is refused: as any host pattern, but "*" is not "every host" there. */
function traceHostProblem(pattern: string, names: SettingNames): string {
  const setting = names("traceHosts");
  if (pattern.trim() !== "*") return `${setting}: ${patternProblem(pattern)}`;
  return `${setting}: host pattern "*" is not a host, host:port or *.domain: name each host whose requests may carry the trace context (*.example.com for the names under a domain); there is no pattern for every host, as the model picks the hosts`;
}

/**
 * Why a host pattern is refused, with the fix for the likeliest slips: a comma list, "*" for any host, and an IPv6
 * address with its port outside brackets.
 */
function patternProblem(pattern: string): string {
  const refused = `host pattern "${pattern}" is not a host, host:port or *.domain`;
  if (pattern.includes(",")) {
    return `${refused}: give one host per entry (an array item, or one --allow-hosts flag each; only MCP_HTTP_ALLOW_HOSTS takes a comma list)`;
  }
  if (pattern.trim() === "*") return `${refused}: to allow any public host, set no allowed hosts at all`;
  const slip = ipv6PortSlip(pattern);
  if (slip) {
    const { address, port } = slip;
    const fix = `write [${address}]:${port} for that port, or ${address} for any port`;
    return slip.ambiguous
      ? `host pattern "${pattern}" could be the IPv6 address ${pattern.trim()} or ${address} with port ${port}: ${fix} ([${pattern.trim()}] for the address)`
      : `${refused}: an IPv6 address with a port is written in brackets: ${fix}`;
  }
  return `${refused} (no scheme or path)`;
}
