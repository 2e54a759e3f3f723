import { causes, describeFailure, httpStatus } from "./describe-failure.js";
import { isUnreadableAnswer } from "./mcp-client.js";
import { OVER_CAP_MARK, overCapPart } from "./message-cap.js";
import { isSecretKey, redactText } from "./redact.js";
import { StartupTimeout } from "./server-handshake.js";
import type { ServerSpec } from "./servers-file.js";

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

/** A call not sent, as the server's process had exited: nothing ran, and a restarted server may take it. */
export class NotSent extends ToolCallError {
  override name = "NotSent";
}

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

/**
 * One line for a server that failed to start: its name, command, how the process ended (if it did),
 * the error, what it wrote to stdout that is not JSON-RPC (`stray`, stray-lines.ts), and the last stderr lines,
 * which usually say why.
 */
export function startFailureLine(
  spec: ServerSpec,
  error: unknown,
  exit: string | undefined,
  stderrTail: readonly string[],
  stray?: string | undefined,
): string {
  return `server "${spec.name}" failed to start (${describeCommand(spec)}): ${startFailureWhy(spec, error, exit, stderrTail, stray)}`;
}

/** Why a server failed to start, the part of startFailureLine after its name and command. */
export function startFailureWhy(
  spec: ServerSpec,
  error: unknown,
  exit: string | undefined,
  stderrTail: readonly string[],
  stray?: string | undefined,
): string {
  const said = redactText(describeFailure(error));
  // The agent dropped an answer over its cap: at start-up, the answer to initialize or tools/list, not a tool call's.
  const text = said.includes(OVER_CAP_MARK)
    ? `${overCapPart(said).replace(/; ask for less.*$/, "")}: its answer to initialize or tools/list, which a server with that many tools must page (nextCursor)`
    : said;
  const reason = exit ? `${exit}${/Connection closed|not running/i.test(text) ? "" : ` (${text})`}` : text;
  const strayPart = stray === undefined ? "" : ` — ${stray}`;
  // A server that logs to stdout never gets its handshake through, however long it is given; any other may just be
  // slow (a first `npx -y` downloads the server before starting it).
  const slow =
    error instanceof StartupTimeout && stray === undefined
      ? " (--startup-timeout; raise it for a server that is slow to start)"
      : "";
  // A server of the older HTTP+SSE transport has no POST endpoint at its URL: a 404 or 405 to the first POST.
  const status = spec.kind === "http" && spec.transport === undefined ? httpStatus(error) : undefined;
  const sse =
    status === 404 || status === 405
      ? ' — if it is an older HTTP+SSE server (its URL often ends in /sse), add "type": "sse" to its entry'
      : "";
  // Something that is not MCP answered: a web page, another API, a sign-in page in front of the server.
  const notMcp =
    spec.kind === "http" && isUnreadableAnswer(error)
      ? " — check that its url is the server's MCP endpoint (often ending in /mcp), not a web page or another API"
      : "";
  return exitWithStderr(`${reason}${slow}${strayPart}${sse}${notMcp}${notSse(spec, error)}`, stderrTail);
}

/**
 * The converse: an entry kept at `"type": "sse"` (as many configs are) for a server that now speaks Streamable HTTP,
 * whose endpoint refuses the SSE client's GET (405 stateless, 400 without a session, 404 at an old /sse path).
 */
function notSse(spec: ServerSpec, error: unknown): string {
  if (spec.kind !== "http" || spec.transport !== "sse") return "";
  for (const current of causes(error)) {
    const code = (current as { code?: unknown } | undefined)?.code;
    if (current instanceof Error && /^SSE error/.test(current.message) && [400, 404, 405].includes(code as number)) {
      return ` — if it is a Streamable HTTP server (the current transport; its URL often ends in /mcp), remove "type": "sse" from its entry`;
    }
  }
  return "";
}

/** How a server process ended, with the stderr lines that usually say why: "exited with code 1 — stderr: Error: …". */
export function exitWithStderr(exit: string, stderrTail: readonly string[]): string {
  const tail = redactText(stderrExcerpt(stderrTail).join(" | "));
  return `${exit}${tail ? ` — stderr: ${tail}` : ""}`;
}

/**
 * The head of an uncaught error as Node (and most runtimes) print it: `Error: Cannot find module '…'`; or of a crash
 * of Node itself, above its native stack: `FATAL ERROR: Reached heap limit …` (out of memory), V8's `# Fatal process
 * out of memory: …`, or a failed assertion (`#  Assertion failed: …`).
 */
const ERROR_HEAD =
  /^(?:(?:Uncaught )?(?:[A-Z]\w*)?(?:Error|Exception)(?: \[[A-Z0-9_]+\])?: \S|FATAL ERROR: \S|\s*#\s+(?:Fatal [\w ]+|Assertion failed): \S)/;

/**
 * The stderr lines worth one error line: the last three, unless an error's head line came before them. Node ends a
 * crash with stack frames, the error's properties and its version, so the last three would be `requireStack: []`,
 * `}` and `Node.js v20…`, and the line that says what went wrong is the one above the frames.
 */
function stderrExcerpt(tail: readonly string[]): readonly string[] {
  const last = tail.slice(-3);
  const head = tail.findLast((line) => ERROR_HEAD.test(line));
  return head !== undefined && !last.includes(head) ? [head.trim()] : last;
}
