// A library user may hand serveHttp an audit log of their own. One whose write throws (a full disk, a closed
// stream) must cost lines, not service: thrown at the HTTP gate it would take the process down with an unhandled
// rejection, on a request's way in it would leave the client waiting for ever, and on a tool's way out it would
// answer a call that ran as if it had failed. The first failure is said; the requests go on.
import type { AuditLog } from "./audit-log.js";

/** `audit`, its writes never throwing: a failure goes to `warn`, once. */
export function guardedAuditLog(audit: AuditLog, warn: (line: string) => void): AuditLog {
  let warned = false;
  const failed = (error: unknown) => {
    if (!warned) warn(`the audit log failed to write a line, and requests go on without it: ${String(error)}`);
    warned = true;
  };
  const guarded =
    <Args extends unknown[]>(write: (...args: Args) => void) =>
    (...args: Args): void => {
      try {
        // An `async write` type-checks as AuditLog's, and fails later, as a rejection no one would handle.
        const done: unknown = write(...args);
        if (done instanceof Promise) done.catch(failed);
      } catch (error) {
        failed(error);
      }
    };
  return {
    write: guarded((entry) => audit.write(entry)),
    toolCall: guarded((call) => audit.toolCall(call)),
    reopen: () => audit.reopen(),
    close: () => audit.close(),
  };
}
