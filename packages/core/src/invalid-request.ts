import { batchLimitReason } from "./http-options.js";
import { jsonRpcProblem } from "./json-rpc-shape.js";

// What a client on stdio is told about a line that is JSON but not a request MCP takes, or a batch it cannot take:
// JSON-RPC answers these with Invalid Request (-32600), by the request's id when it has one.

/**
 * The `id` to answer a parsed JSON value by, when it is an object with a `method` and an `id` (a request, however
 * malformed): its id when a string or number, else null (`"id": null` or `{}`, which JSON-RPC answers with id null);
 * undefined for anything else, as a malformed response or notification is never answered.
 */
export function requestId(parsed: unknown): string | number | null | undefined {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  if (!("id" in parsed) || !("method" in parsed)) return undefined;
  return typeof parsed.id === "string" || typeof parsed.id === "number" ? parsed.id : null;
}

/** What a client is told about a request that is not JSON-RPC 2.0 as MCP takes it: what is wrong, when we can say. */
export function invalidRequest(message: unknown): string {
  return `Invalid Request: ${jsonRpcProblem(message) ?? INVALID_SHAPE}`;
}

/** The fault of a request whose fields each look right, but which the SDK still refused. */
const INVALID_SHAPE =
  'not a JSON-RPC 2.0 request as MCP takes it ("jsonrpc": "2.0", a string "method", a string or integer "id", an object "params" whose _meta.progressToken is a string or an integer)';

/** What a client is told about an empty batch (JSON-RPC answers it with one error, id null). */
export const EMPTY_BATCH = "Invalid Request: an empty batch holds no message";

/** What each request of a batch too large to take is told. */
export function batchTooLarge(count: number): string {
  return `Invalid Request: ${batchLimitReason(count)}, and none of them ran; send them in several batches or one per line`;
}
