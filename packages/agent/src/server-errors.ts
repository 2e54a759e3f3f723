import { isSecretKey, redactText } from "./redact.js";
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
 * One line for a server that failed to start: its name, command, how the process ended (if it did),
 * the error, and the last stderr lines, which usually say why.
 */
export function startFailureLine(
  spec: ServerSpec,
  error: unknown,
  exit: string | undefined,
  stderrTail: readonly string[],
): string {
  const text = redactText(message(error));
  const reason = exit ? `${exit}${/Connection closed|not running/i.test(text) ? "" : ` (${text})`}` : text;
  const tail = redactText(stderrTail.slice(-3).join(" | "));
  return `server "${spec.name}" failed to start (${describeCommand(spec)}): ${reason}${tail ? ` — stderr: ${tail}` : ""}`;
}
