import type { FetchRequest } from "./fetch-request.js";

// Why a body in a content coding is not shown (cannot be decoded, ended early, a coding this tool does not decode),
// and whether asking for it uncompressed can help. The body reader (response-body.ts) fails with these.

/**
 * Why a compressed body could not be read, and what to try. Asking for identity helps only once: an upstream that
 * labels its body compressed even then mislabels it, and the same retry would fail the same way.
 */
export function undecodableMessage(request: FetchRequest, encoding: string, code: string): string {
  const host = request.url.host;
  if (!askedIdentity(request)) {
    return `could not decode the ${encoding} body from ${host} (${code}); retry with header accept-encoding: identity`;
  }
  return `could not decode the body from ${host} (${code}): it is labelled content-encoding: ${encoding} but is not ${encoding} data, even with accept-encoding: identity asked, so the upstream mislabels it and this tool cannot read it. Retrying will not help; ask for another representation (a different Accept header or format parameter), or report the mislabelled body to the API's owner`;
}

/** Why a coded body that stopped before its coded stream ended is not shown: the part that came is not the answer. */
export function endedEarlyMessage(request: FetchRequest, encoding: string): string {
  return `the ${encoding} body from ${request.url.host} ended before its ${encoding} stream did: the upstream or the connection cut it short, so what arrived is incomplete and is not shown. Call again; if it keeps happening, ask for it uncompressed with header accept-encoding: identity`;
}

/** Why a body in a coding this tool does not decode (zstd, compress…) is not shown, and what to try. */
export function unsupportedCodingMessage(request: FetchRequest, coding: string): string {
  const host = request.url.host;
  const sent = `${host} sent its body with content-encoding: ${coding}, which this tool cannot decode (it decodes gzip, deflate and br)`;
  if (!askedIdentity(request)) {
    return `${sent}; retry with header accept-encoding: identity`;
  }
  return `${sent}, even with accept-encoding: identity asked. Retrying will not help; ask for another representation (a different Accept header or format parameter), or report it to the API's owner`;
}

/** Why a body labelled with more codings than this tool undoes (`max`) is not read: no real server stacks so many. */
export function tooManyCodingsMessage(request: FetchRequest, count: number, max: number): string {
  const sent = `${request.url.host} labelled its body with ${count} content codings, one on top of another; this tool undoes at most ${max} (a longer chain is a decompression bomb or a broken proxy)`;
  if (!askedIdentity(request)) return `${sent}; retry with header accept-encoding: identity`;
  return `${sent}, even with accept-encoding: identity asked. Retrying will not help; report it to the API's owner`;
}

/** Whether the call already asked for an uncompressed body, so suggesting it again would not help. */
function askedIdentity(request: FetchRequest): boolean {
  return /^\s*identity\s*$/i.test(request.headers["accept-encoding"] ?? "");
}
