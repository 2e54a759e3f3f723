// The Streamable HTTP client reopens a server's event stream that broke (a 2025-era server's GET stream, which
// carries its notifications and questions; a resumable answer), waiting between attempts, and gave up after the last
// without a word: a server gone away was heard of only when a call failed. Each attempt is reported before its wait,
// in one line like the API's retries (api.ts), and so is the end of the attempts.
import type { ReconnectionScheduler, StreamableHTTPReconnectionOptions } from "@modelcontextprotocol/client";
import { waitText } from "./api-retry.js";
import { describeFailure } from "./describe-failure.js";

/** How a broken event stream is reopened: the SDK's defaults, set here so that a report can say "of 2". */
export const STREAM_RECONNECTION: StreamableHTTPReconnectionOptions = {
  initialReconnectionDelay: 1000,
  maxReconnectionDelay: 30_000,
  reconnectionDelayGrowFactor: 1.5,
  maxRetries: 2,
};

/** One reopening about to be made (`attempt` from 0), in one line: the server, what failed, n of max, the wait. */
export function streamRetryLine(
  server: string,
  failure: string | undefined,
  attempt: number,
  delayMs: number,
  maxRetries = STREAM_RECONNECTION.maxRetries,
): string {
  // The first attempt follows the break; each later one, the attempt before it that failed.
  const what = attempt === 0 ? "its event stream broke" : "reopening its event stream failed";
  const why = failure ? ` (${failure})` : "";
  const wait = waitText({ minMs: delayMs, maxMs: delayMs });
  return `server "${server}": ${what}${why}; reconnecting in ${wait} (attempt ${attempt + 1} of ${maxRetries})`;
}

/** The last reopening failed too: the stream stays closed for the run, in one line. */
export function streamGaveUpLine(
  server: string,
  failure: string | undefined,
  maxRetries = STREAM_RECONNECTION.maxRetries,
): string {
  const why = failure ? ` (${failure})` : "";
  return `server "${server}": reopening its event stream failed${why} at the last of ${maxRetries} attempts; its notifications and questions stop for this run, and its calls still go through while it answers`;
}

/** How the SDK says it stopped reopening a stream (client streamableHttp.ts): the end of the attempts. */
const GAVE_UP = /^Maximum reconnection attempts \(\d+\) exceeded/;

/** A transport's reconnection reported: its scheduler, and the error listener that learns what failed. */
export interface ReportedReconnection {
  schedule: ReconnectionScheduler;
  onerror(error: Error): void;
}

/**
 * Report each reopening of `server`'s stream to `report` before waiting for it. What failed is read from the
 * transport's errors since the last report: the break itself is the last of them, and a failed reopening is the first,
 * since the SDK reports the cause (ECONNREFUSED) before its own "Failed to reconnect" around it.
 */
export function reportedReconnection(server: string, report: (line: string) => void): ReportedReconnection {
  // Only the first and the last error since the last report are needed.
  let first: unknown;
  let last: unknown;
  return {
    onerror: (error) => {
      if (GAVE_UP.test(error.message)) {
        // The failed attempt's cause came first, then the SDK's "Failed to reconnect" around it.
        const failure = first;
        first = last = undefined;
        report(streamGaveUpLine(server, failure === undefined ? undefined : describeFailure(failure)));
        return;
      }
      first ??= error;
      last = error;
    },
    schedule: (reconnect, delayMs, attempt) => {
      const failure = attempt === 0 ? last : first;
      first = last = undefined;
      report(streamRetryLine(server, failure === undefined ? undefined : describeFailure(failure), attempt, delayMs));
      const timer = setTimeout(reconnect, delayMs);
      return () => clearTimeout(timer);
    },
  };
}
