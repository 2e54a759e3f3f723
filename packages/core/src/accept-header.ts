// The request headers the SDK's handler reads, as a client may send them and as the SDK requires them.
import type { IncomingMessage } from "node:http";

/**
 * The Accept header to hand the SDK for a POST whose Accept takes any type (`*\/*`) but names neither of the two it
 * requires, application/json and text/event-stream; undefined when it needs no change.
 */
export function widenedAccept(accept: string | undefined): string | undefined {
  // Most clients name the two types and no wildcard: nothing to split.
  if (accept === undefined || !accept.includes("*/*")) return undefined;
  const types = accept.split(",").map((part) => part.split(";")[0]?.trim().toLowerCase());
  if (!types.includes("*/*") || (types.includes("application/json") && types.includes("text/event-stream"))) {
    return undefined;
  }
  return `${accept}, application/json, text/event-stream`;
}

/** Replace a request header everywhere Node keeps it: the parsed headers, and the raw list adapters read. */
export function setHeader(req: IncomingMessage, name: string, value: string): void {
  req.headers[name] = value;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === name) req.rawHeaders[i + 1] = value;
  }
}
