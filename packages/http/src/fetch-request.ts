import type { lookup as dnsLookup } from "node:dns";
import type { Logger, RateLimit } from "@mcp-toolkit/core";
import type { ResolvedCredentials } from "./credentials.js";
import type { Progress } from "./fetch-errors.js";
import type { UrlPolicy } from "./url-policy.js";

// What the fetcher (fetcher.ts) is given and what it answers: its options, one request, the response as read.

/** Everything the fetcher enforces. */
export interface FetcherOptions extends UrlPolicy {
  /** Deadline for one whole call: every redirect hop, retry wait, header and body byte. */
  timeoutMs: number;
  /** Decoded body bytes read before reading stops. */
  maxResponseBytes: number;
  maxRedirects: number;
  /** Retries of idempotent requests answered 429 or 503. */
  maxRetries: number;
  /** Longest Retry-After honoured; a longer one returns the 429/503 to the caller. */
  maxRetryWaitMs: number;
  rateLimit: RateLimit | null;
  credentials: ResolvedCredentials;
  /** Hosts (allowHosts' patterns) each hop to which carries the trace context, while tracing is on; none by default. */
  traceHosts?: readonly string[];
  logger?: Logger;
  /** Name resolution, dns.lookup by default. Whatever it returns is checked before it is dialled. */
  lookup?: typeof dnsLookup;
}

/** One request as the tools hand it over. Headers are lower-cased. */
export interface FetchRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Given the response headers, the decoded bytes after which the caller has all it will show; reading stops there. */
  enoughBytes?: (headers: Readonly<Record<string, string>>) => number | undefined;
  /**
   * The user confirmed this method for this URL: a redirect that would send the same method to another URL is not
   * followed but answered, so the caller asks about that URL too.
   */
  confirmed?: boolean;
  /**
   * Sets room aside for the body before it is read (the most it may take; waiting, while `signal` allows, if other
   * calls hold the room), then lowers it to the bytes read. The caller releases it once done with the body.
   */
  holdBody?: (bytes: number, signal: AbortSignal) => Promise<void>;
}

/** A response whose body has been read, up to the cap. */
export interface FetchResponse {
  url: string;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: Buffer;
  /**
   * Reading stopped before the end: at maxResponseBytes, when the call's time limit passed mid-body, when the
   * connection broke mid-body, or once the request's `enoughBytes` were in hand.
   */
  cut: false | "read-limit" | "time-limit" | "connection" | "enough";
  /** How long the call waited for room to read the body (holdBody), when it waited: time the body was not read in. */
  bodyWaitMs?: number;
  redirects: number;
  retries: number;
  /** Headers the call gave that a redirect to another origin did not carry on (Authorization, API keys). */
  leftBehind?: string[];
  /** The redirect that turned the call's method into a GET without its body: its status, and the URL that sent it. */
  madeGet?: { method: string; status: number; url: string };
}

/** A keep-alive connection pool with the SSRF check at connect time, and the request loop around it. */
export interface Fetcher {
  /** Fetch one request; `watch` is handed the call's live state (phase, bytes read) to report progress from. */
  fetch(
    request: FetchRequest,
    signal?: AbortSignal,
    watch?: (state: Readonly<Progress>) => void,
  ): Promise<FetchResponse>;
  /** Close pooled connections; in-flight requests are given a moment, then cut. */
  close(): Promise<void>;
  readonly options: Readonly<FetcherOptions>;
}
