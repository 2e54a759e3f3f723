// What a POST body must be to be JSON-RPC at all, judged before the SDK sees it: the SDK refuses a body that is not
// with one message for every fault ("not a valid JSON-RPC message"), which names none, and the refusal went
// unaudited. Pure.
import { kindOf } from "./cli-options.js";

/** Why `body` (parsed JSON) is not a JSON-RPC message or batch, naming the field at fault; undefined when it is. */
export function jsonRpcProblem(body: unknown): string | undefined {
  if (Array.isArray(body)) {
    if (body.length === 0) return "the body is an empty batch ([]); send at least one message";
    for (const [i, item] of body.entries()) {
      const problem = messageProblem(item);
      if (problem) return `batch item ${i}: ${problem}`;
    }
    return undefined;
  }
  return messageProblem(body);
}

/**
 * Why an integer id past 2^53 is refused: JSON numbers are read as doubles, so the answer's id would not be the one
 * sent (123456789012345678901234567890 comes back as 1.2345678901234568e+29), and the SDK refuses it anyway.
 */
const UNSAFE_ID = `beyond the integers an id can carry exactly (±${Number.MAX_SAFE_INTEGER}); send a smaller integer or a string`;

const SHAPE = 'a JSON-RPC message is an object {"jsonrpc": "2.0", "id": …, "method": "…", "params": {…}}';

function messageProblem(message: unknown): string | undefined {
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    return `the body is JSON but not a JSON-RPC message (${kindOf(message)}); ${SHAPE}`;
  }
  const { jsonrpc, id, method } = message as Record<string, unknown>;
  if (jsonrpc !== "2.0") return `"jsonrpc" must be "2.0", got ${JSON.stringify(jsonrpc) ?? "nothing"}; ${SHAPE}`;
  const answer = "result" in message || "error" in message;
  if (method === undefined && !answer) {
    return `the message has no "method" (a request or notification) and no "result" or "error" (an answer); ${SHAPE}`;
  }
  if (method !== undefined && typeof method !== "string")
    return `"method" must be a string, got ${JSON.stringify(method)}`;
  // An answer to a request whose id could not be read carries id null.
  const idOk = id === undefined || typeof id === "string" || Number.isSafeInteger(id) || (answer && id === null);
  if (!idOk && Number.isInteger(id)) return `"id" ${(id as number).toPrecision(3)} is ${UNSAFE_ID}`;
  // JSON.parse reads a number past 1.8e308 (1e400) as Infinity, which JSON.stringify would show as null.
  if (!idOk && id === Number.POSITIVE_INFINITY) return `"id" is a number past 1.8e308, ${UNSAFE_ID}`;
  if (!idOk && id === Number.NEGATIVE_INFINITY) return `"id" is a number below -1.8e308, ${UNSAFE_ID}`;
  if (!idOk) return `"id" must be a string or an integer, got ${JSON.stringify(id)}`;
  const { params } = message as Record<string, unknown>;
  if (params !== undefined && (typeof params !== "object" || params === null || Array.isArray(params))) {
    return `"params" must be an object (MCP names every parameter), got ${kindOf(params)}`;
  }
  return undefined;
}

/** The id of a body that is one request (an object with a method and a string or integer id), to answer it by. */
export function requestIdOf(body: unknown): string | number | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const { id, method } = body as Record<string, unknown>;
  if (typeof method !== "string") return undefined;
  return typeof id === "string" || Number.isSafeInteger(id) ? (id as string | number) : undefined;
}
