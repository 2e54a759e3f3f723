import type { ServerResponse } from "node:http";

/**
 * A JSON-RPC error body: with no id when the request was refused before it was read (or had none that can be
 * answered), and with `data` when the error defines some.
 */
export function rpcError(code: number, message: string, data?: unknown, id: string | number | null = null) {
  return { jsonrpc: "2.0", id, error: { code, message, ...(data === undefined ? {} : { data }) } };
}

/** Whether the answer to `req` carries its body: Node sends none in the answer to a HEAD, whatever end() is given. */
export function answerHasBody(req: { method?: string | undefined }): boolean {
  return req.method !== "HEAD";
}

/** Answer with a JSON body. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) {
  sendCountedJson(res, status, value, headers);
}

/** Answer with a JSON body; returns how many bytes of it were sent, for an audit to count without serializing again. */
export function sendCountedJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): number {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
  return answerHasBody(res.req) ? Buffer.byteLength(body) : 0;
}

/** Answer with a web-standard Response (the SDK's auth helpers build them). */
export async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers).end(Buffer.from(await response.arrayBuffer()));
}

/** How much of an answer's start is kept, to read an error answer's message from. */
const KEPT_BYTES = 2048;

/**
 * Count the bytes of body written to a response from now on (none reach the client of a HEAD), keeping the start of
 * them (`head`) for an error's reason.
 */
export function countBytes(res: ServerResponse): { bytes(): number; head(): string } {
  let bytes = 0;
  const kept: Buffer[] = [];
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  // Only the start is copied: a whole answer (64 KiB of a file) is never converted or copied again to be counted.
  const add = (chunk: unknown) => {
    if (typeof chunk === "string") {
      // As many characters as bytes still wanted: at least that many bytes, at most four times as many.
      if (bytes < KEPT_BYTES) kept.push(Buffer.from(chunk.slice(0, KEPT_BYTES - bytes)));
      bytes += Buffer.byteLength(chunk);
    } else if (chunk instanceof Uint8Array) {
      if (bytes < KEPT_BYTES) kept.push(Buffer.from(chunk.subarray(0, KEPT_BYTES - bytes)));
      bytes += chunk.byteLength;
    }
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    add(chunk);
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== "function") add(chunk);
    return (end as (...a: unknown[]) => ServerResponse)(chunk, ...rest);
  }) as typeof res.end;
  return { bytes: () => (answerHasBody(res.req) ? bytes : 0), head: () => Buffer.concat(kept).toString() };
}

/**
 * The audit reason of an HTTP error answer: its status, and the message of its JSON-RPC error body when it has one
 * (`HTTP 429: Too many sessions: …`), as the client was told. Pure.
 */
export function httpErrorReason(status: number, head: string): string {
  let message: unknown;
  try {
    message = (JSON.parse(head) as { error?: { message?: unknown } } | null)?.error?.message;
  } catch {
    message = undefined;
  }
  return typeof message === "string" && message !== "" ? `HTTP ${status}: ${message}` : `HTTP ${status}`;
}
