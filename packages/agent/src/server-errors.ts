import { isSecretKey, redactText } from "./redact.js";
import { oneLine } from "./render.js";
import { StartupTimeout } from "./server-handshake.js";
import type { ServerSpec } from "./servers-file.js";
import { REASON_MAX } from "./www-authenticate.js";

/** A dead server, a timeout or a protocol failure, turned into words the model can act on. */
export class ToolCallError extends Error {
  override name = "ToolCallError";
  /** `answered`: the server replied (with a protocol error), so it is up; the circuit breaker does not count it. */
  constructor(
    message: string,
    readonly answered = false,
  ) {
    super(message);
  }
}

/** A call that got no answer within --tool-timeout: the circuit breaker counts it against the tool, not the server. */
export class ToolTimeout extends ToolCallError {}

/** A stateful server no longer knows our session (HTTP 404): the call did not run, and a new session will. */
export class SessionGone extends ToolCallError {
  override name = "SessionGone";
  constructor(server: string) {
    super(
      `server "${server}" no longer knows this session (HTTP 404: it restarted, or ended the session); call again: a new session is opened`,
    );
  }
}

/**
 * The command line (or URL) of a server, for people. Arguments are `${VAR}`-expanded, so the value after a
 * secret-named flag (`--api-key X`) and secret-looking text are redacted: this line reaches the model.
 */
export function describeCommand(spec: ServerSpec): string {
  if (spec.kind === "http") return redactText(spec.url);
  const args = spec.args.map((arg, i) => {
    const flag = /^--?([A-Za-z][\w-]*)$/.exec(spec.args[i - 1] ?? "")?.[1];
    return flag && isSecretKey(flag) ? "[redacted]" : redactText(arg);
  });
  return [spec.command, ...args].map((p) => (/\s/.test(p) ? JSON.stringify(p) : p)).join(" ");
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
  for (const current of causes(error)) {
    const code = (current as { code?: unknown }).code;
    let text = httpAnswer(current) ?? message(current);
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
 * An HTTP error the SDK words as "Error POSTing to endpoint: " and the whole body, when that body is not JSON-RPC (a
 * web framework's HTML 404 page, a proxy's 502): the status, then the body's text on one line, tags left out.
 */
function httpAnswer(error: unknown): string | undefined {
  const data = (error as { data?: HttpErrorData } | undefined)?.data;
  if (typeof data?.status !== "number" || typeof data.text !== "string" || data.text.trimStart().startsWith("{")) {
    return undefined;
  }
  const reason = typeof data.statusText === "string" && data.statusText ? ` (${data.statusText})` : "";
  const body = oneLine(
    data.text.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " "),
    REASON_MAX,
  );
  return `the server answered HTTP ${data.status}${reason}${body ? `: ${body}` : ""}`;
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

/**
 * One line for a server that failed to start: its name, command, how the process ended (if it did),
 * the error, the first non-JSON line it wrote to stdout (which is for JSON-RPC only), and the last stderr lines,
 * which usually say why.
 */
export function startFailureLine(
  spec: ServerSpec,
  error: unknown,
  exit: string | undefined,
  stderrTail: readonly string[],
  strayLine?: string | undefined,
): string {
  return `server "${spec.name}" failed to start (${describeCommand(spec)}): ${startFailureWhy(spec, error, exit, stderrTail, strayLine)}`;
}

/** Why a server failed to start, the part of startFailureLine after its name and command. */
export function startFailureWhy(
  spec: ServerSpec,
  error: unknown,
  exit: string | undefined,
  stderrTail: readonly string[],
  strayLine?: string | undefined,
): string {
  const text = redactText(describeFailure(error));
  const reason = exit ? `${exit}${/Connection closed|not running/i.test(text) ? "" : ` (${text})`}` : text;
  const stray =
    strayLine === undefined
      ? ""
      : ` — it wrote ${JSON.stringify(redactText(strayLine))} to stdout, which carries JSON-RPC only: a stdio server must log to stderr`;
  // A server that logs to stdout never gets its handshake through, however long it is given; any other may just be
  // slow (a first `npx -y` downloads the server before starting it).
  const slow =
    error instanceof StartupTimeout && strayLine === undefined
      ? " (--startup-timeout; raise it for a server that is slow to start)"
      : "";
  // A server of the older HTTP+SSE transport has no POST endpoint at its URL: a 404 or 405 to the first POST.
  const status = spec.kind === "http" && spec.transport === undefined ? httpStatus(error) : undefined;
  const sse =
    status === 404 || status === 405
      ? ' — if it is an older HTTP+SSE server (its URL often ends in /sse), add "type": "sse" to its entry'
      : "";
  return exitWithStderr(`${reason}${slow}${stray}${sse}`, stderrTail);
}

/** How a server process ended, with the stderr lines that usually say why: "exited with code 1 — stderr: Error: …". */
export function exitWithStderr(exit: string, stderrTail: readonly string[]): string {
  const tail = redactText(stderrExcerpt(stderrTail).join(" | "));
  return `${exit}${tail ? ` — stderr: ${tail}` : ""}`;
}

/** The head of an uncaught error as Node (and most runtimes) print it: `Error: Cannot find module '…'`. */
const ERROR_HEAD = /^(?:Uncaught )?(?:[A-Z]\w*)?(?:Error|Exception)(?: \[[A-Z0-9_]+\])?: \S/;

/**
 * The stderr lines worth one error line: the last three, unless an error's head line came before them. Node ends a
 * crash with stack frames, the error's properties and its version, so the last three would be `requireStack: []`,
 * `}` and `Node.js v20…`, and the line that says what went wrong is the one above the frames.
 */
function stderrExcerpt(tail: readonly string[]): readonly string[] {
  const last = tail.slice(-3);
  const head = tail.findLast((line) => ERROR_HEAD.test(line));
  return head !== undefined && !last.includes(head) ? [head] : last;
}
