// A thrown error in words for people and the model: its causes, each once, with the codes and HTTP answers that say
// what went wrong, and whether it failed before any server could answer.
import { askedWaitText, ErrorAnswer } from "./asked-wait.js";
import { oneLine, pageText } from "./one-line.js";
import { REASON_MAX } from "./www-authenticate.js";

/**
 * What an answer that is JSON but not a JSON-RPC message (a REST API's `{"status":"ok"}` at a URL that is not the MCP
 * endpoint) is called, in place of the SDK's validator report of a hundred lines and more.
 */
export const NOT_JSON_RPC = "the server's answer is JSON but not a JSON-RPC message";

/** The validator's report on a message that is not JSON-RPC. */
export function isSchemaReport(error: unknown): boolean {
  return error instanceof Error && error.name === "ZodError";
}

/** Message of an unknown thrown value. */
export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Did a request fail before the server could answer — no connection (ECONNREFUSED, a DNS failure, a reset), as
 * fetch reports it — rather than the server answering with an error? Walks the causes.
 */
export function isUnreachable(error: unknown): boolean {
  for (const current of causes(error)) {
    if (!(current instanceof Error)) return false;
    if (typeof (current as { syscall?: unknown }).syscall === "string") return true;
    if (current instanceof TypeError && current.message === "fetch failed") return true;
  }
  return false;
}

/**
 * A thrown value, then what caused it, and so on: an Error's `cause`, else an AggregateError's first error (fetch's
 * "connect ECONNREFUSED" for each address). Six at most: a cause chain may loop.
 */
export function* causes(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 6; depth++) {
    yield current;
    if (!(current instanceof Error)) return;
    current = current.cause ?? (current instanceof AggregateError ? current.errors[0] : undefined);
  }
}

/** Node's TLS codes for a certificate that verifies against no CA this process trusts (not a wrong or expired one). */
const UNTRUSTED_CERTIFICATE = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

/**
 * An error with the causes under it, each once, with its code: "fetch failed: self-signed certificate
 * (DEPTH_ZERO_SELF_SIGNED_CERT)" where the message alone says only "fetch failed". A certificate no trusted CA signed
 * gets the way to trust one.
 */
export function describeFailure(error: unknown): string {
  const parts: string[] = [];
  let untrusted = false;
  // The SDK puts a validator's report, one line per field, into its own message too: both get the one line instead.
  const reports = [...causes(error)].filter(isSchemaReport).map(message);
  for (const current of causes(error)) {
    // The SDK's wrapper of an error answer the agent read ("Version negotiation probe failed: …") adds nothing to it.
    if (current instanceof Error && current.cause instanceof ErrorAnswer) continue;
    const code = (current as { code?: unknown }).code;
    let text = httpAnswer(current) ?? message(current);
    for (const report of reports) text = text.replace(report, NOT_JSON_RPC);
    if (typeof code === "string") {
      untrusted ||= UNTRUSTED_CERTIFICATE.has(code);
      if (!text) text = code;
      else if (isSystemCode(current, code) && !text.includes(code)) text = `${text} (${code})`;
    }
    const said = serverSaid(current);
    if (said && !text.includes(said)) text = `${asStatus(text)}, saying "${said}"`;
    const last = parts.length - 1;
    if (!text || parts.some((part) => part.includes(text))) {
      // already said
    } else if (last >= 0 && text.includes(parts[last] as string)) parts[last] = text;
    else parts.push(text);
  }
  const hint = untrusted
    ? " — if the certificate is the right one, trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem>"
    : "";
  return `${parts.join(": ")}${hint}`;
}

/**
 * The JSON-RPC error message in the body of an HTTP error the SDK names by its status alone ("the server answered the
 * probe with HTTP 503"), where the server said why: one printable line, cut to REASON_MAX.
 */
function serverSaid(error: unknown): string | undefined {
  const body = (error as { data?: { text?: unknown } } | undefined)?.data?.text;
  if (typeof body !== "string" || !body.startsWith("{")) return undefined;
  try {
    const said = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof said === "string" && said.trim() ? oneLine(said, REASON_MAX) : undefined;
  } catch {
    return undefined;
  }
}

/** What the SDK keeps of an HTTP error answer: its status and body. */
type HttpErrorData = { status?: unknown; statusText?: unknown; text?: unknown } | undefined;

/** The HTTP status a failure (or one of its causes) was answered with, if it was. */
export function httpStatus(error: unknown): number | undefined {
  for (const current of causes(error)) {
    const status = (current as { data?: HttpErrorData } | undefined)?.data?.status;
    if (typeof status === "number") return status;
  }
  return undefined;
}

/**
 * An HTTP error the SDK words as "Error POSTing to endpoint: " and the whole body: the status, then what the server
 * said — a JSON-RPC error's message (a rate limit's 429 saying when to send again), else the body's text on one line,
 * tags left out (a web framework's HTML 404 page, a proxy's 502, a gateway's JSON 403).
 */
function httpAnswer(error: unknown): string | undefined {
  const data = (error as { data?: HttpErrorData } | undefined)?.data;
  if (typeof data?.status !== "number" || typeof data.text !== "string") return undefined;
  const reason = typeof data.statusText === "string" && data.statusText ? ` (${data.statusText})` : "";
  const said = serverSaid(error);
  if (said) return `the server answered HTTP ${data.status}${reason}, saying "${said}"${askedWaitText(error)}`;
  const body = pageText(data.text, REASON_MAX);
  return `the server answered HTTP ${data.status}${reason}${body ? `: ${body}` : ""}${askedWaitText(error)}`;
}

/**
 * The SDK's words for a first request answered with an HTTP error, where the server said why: the status is what
 * matters ("the server answered HTTP 503"), not a protocol version the client could not agree, which it never got to.
 */
function asStatus(text: string): string {
  return text.replace(
    /^Version negotiation failed: the server answered the probe with HTTP (\d+)$/,
    "the server answered its first request with HTTP $1",
  );
}

/** A code the system or TLS gave (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT), not one of a library's own. */
function isSystemCode(error: unknown, code: string): boolean {
  return typeof (error as { syscall?: unknown }).syscall === "string" || /CERT|SIGNED|^ERR_(TLS|SSL)_/.test(code);
}
