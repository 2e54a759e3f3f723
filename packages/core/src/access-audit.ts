// The gate's audit lines: one for each request it refused, and for each request no server audited (those that reach
// a server are audited there, with their JSON-RPC outcome: audit-connection.ts), with what was asked (the call's
// arguments, masked), the HTTP status and the size of the answer.
import type { IncomingMessage } from "node:http";
import { type AuditLog, type AuditOutcome, argsDigest, auditCaller, auditName, auditRequestId } from "./audit-log.js";
import type { Caller } from "./caller.js";
import { answerHasBody } from "./http-json.js";
import type { RequestMessage } from "./request-messages.js";
import { knownMethod } from "./request-span.js";

/**
 * The one line a request whose body was not read is audited under: a 2026-07-28 client names its method in a header.
 * Only an MCP method is written: the header is the unknown caller's own text, up to 16 KiB of it per line.
 */
export function unreadRequest(req: IncomingMessage): RequestMessage {
  const header = req.headers["mcp-method"];
  const method = knownMethod(typeof header === "string" ? header : undefined) ?? `${req.method} (body not read)`;
  return { id: "-", method, name: undefined };
}

/** The line of a 2025-era session's own request, served: its GET stream (written as it closes), or its DELETE. */
export function sessionRequest(req: IncomingMessage): RequestMessage {
  const method = req.method === "DELETE" ? "DELETE (session ended)" : `${req.method} (session stream)`;
  return { id: "-", method, name: undefined };
}

/** What the client received of a refusal: nothing of its body for a HEAD. */
export const sent = (req: IncomingMessage, response: Response): number | Response =>
  answerHasBody(req) ? response : 0;

/**
 * The gate's audit writer: a line for each message `only` keeps, once the answer's size is known (a number, or a
 * refusal not sent yet). Writes nothing without an audit log; `redact` masks the server's secrets in arguments.
 */
export function accessRecorder(audit: AuditLog | undefined, redact: ((text: string) => string) | undefined) {
  const record = (
    address: string | undefined,
    requestId: string,
    caller: Caller | undefined,
    messages: RequestMessage[],
    outcome: AuditOutcome,
    reason: string | null,
    ms: number,
    answer: number | Response,
    only: (m: RequestMessage) => boolean = () => true,
  ) => {
    if (!audit) return;
    const write = (bytes: number) => {
      for (const m of messages.filter(only)) {
        audit.write({
          ts: new Date().toISOString(),
          request_id: auditRequestId(requestId, m.id),
          caller: auditCaller(caller),
          client_address: address ?? null,
          method: auditName(m.method),
          tool: m.method === "tools/call" && m.name !== undefined ? auditName(m.name) : null,
          ...(m.args !== undefined ? argsDigest(m.args, redact) : { args_sha256: null, args_preview: null }),
          outcome,
          reason,
          duration_ms: Math.round(ms),
          bytes,
        });
      }
    };
    // A refusal's answer is not sent yet: its size is read from a copy of its body.
    if (typeof answer === "number") write(answer);
    else
      void answer
        .clone()
        .arrayBuffer()
        .then(
          (body) => write(body.byteLength),
          () => write(0),
        );
  };
  return record;
}

/** How the gate writes an audit line (accessRecorder). */
export type AccessRecord = ReturnType<typeof accessRecorder>;
