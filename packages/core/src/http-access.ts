// Who may do what over HTTP, decided per request before the SDK sees it: the caller is authenticated, what it names
// is checked against its roles (403 insufficient_scope, with the scopes that would allow it), and its rate and
// concurrency against its limits (429 with Retry-After). Each refusal is one audit line; so is each request that is
// not a tool call (tool calls are audited where they run, with their outcome).
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthInfo } from "@modelcontextprotocol/server";
import { type AuditLog, type AuditOutcome, auditCaller } from "./audit-log.js";
import type { Authenticator } from "./auth.js";
import { allowedNames, checkUse, type Offered, type RolePolicy } from "./auth-roles.js";
import type { Caller } from "./caller.js";
import type { CallerLimits } from "./caller-limits.js";
import type { ToolStats } from "./tool-stats.js";

/** A JSON-RPC request in a body: its id, method and, for a call, what it names. */
interface RequestMessage {
  id: string | number;
  method: string;
  name: string | undefined;
}

/** The requests a POST body carries (a message or a batch), skipping notifications and responses. */
export function requestsIn(body: unknown): RequestMessage[] {
  const messages = Array.isArray(body) ? body : body === undefined ? [] : [body];
  const out: RequestMessage[] = [];
  for (const m of messages) {
    if (typeof m !== "object" || m === null) continue;
    const { id, method, params } = m as { id?: unknown; method?: unknown; params?: { name?: unknown } };
    if ((typeof id !== "string" && typeof id !== "number") || typeof method !== "string") continue;
    const name = method === "tools/call" || method === "prompts/get" ? params?.name : undefined;
    out.push({ id, method, name: typeof name === "string" ? name : undefined });
  }
  return out;
}

/** What the gate needs. */
export interface AccessOptions {
  auth: Authenticator;
  policy: RolePolicy;
  limits: CallerLimits;
  offered: readonly Offered[];
  audit?: AuditLog | undefined;
  /** Counts refusals by cause (the stats resource). */
  stats?: ToolStats | undefined;
}

/** The outcome of the gate: go on with this AuthInfo (and call `finished` when the response is done), or refused. */
export type Access =
  | { ok: true; authInfo: AuthInfo; finished(res: ServerResponse): void }
  | { ok: false; response: Response };

/** Build the gate for one endpoint. */
export function accessGate(options: AccessOptions) {
  const { auth, policy, limits, offered, audit, stats } = options;
  const started = new WeakMap<IncomingMessage, number>();

  const record = (
    requestId: string,
    caller: Caller | undefined,
    messages: RequestMessage[],
    outcome: AuditOutcome,
    reason: string | null,
    ms: number,
    bytes = 0,
    only: (m: RequestMessage) => boolean = () => true,
  ) => {
    if (!audit) return;
    for (const m of messages.filter(only)) {
      audit.write({
        ts: new Date().toISOString(),
        request_id: `${requestId}/${String(m.id)}`,
        caller: auditCaller(caller),
        method: m.method,
        tool: m.method === "tools/call" ? (m.name ?? null) : null,
        args_sha256: null,
        args_preview: null,
        outcome,
        reason,
        duration_ms: Math.round(ms),
        bytes,
      });
    }
  };

  return {
    /** Authenticate before the body is read (an unknown caller does not get to upload 4 MiB). */
    async authenticate(
      req: IncomingMessage,
    ): Promise<{ ok: true; caller: Caller; authInfo: AuthInfo } | { ok: false; response: Response }> {
      started.set(req, performance.now());
      const result = await auth.authenticate(req.headers.authorization);
      if (!result.ok) {
        // The body is not read for an unknown caller; a 2026-07-28 client names its method in a header.
        const header = req.headers["mcp-method"];
        const method = typeof header === "string" ? header : `${req.method} (body not read)`;
        const unread = [{ id: "-", method, name: undefined }];
        record(randomUUID(), undefined, unread, "unauthorized", `HTTP ${result.response.status}`, 0);
        stats?.recordRefusal("unauthorized");
      }
      return result;
    },

    /** Judge what the body asks for against the caller's roles and limits. */
    admit(req: IncomingMessage, caller: Caller, authInfo: AuthInfo, body: unknown): Access {
      const since = started.get(req) ?? performance.now();
      const requestId = randomUUID();
      const messages = requestsIn(body);
      for (const m of messages) {
        if (!m.name) continue;
        const verdict = checkUse(m.name, caller.roles, offered, policy);
        if (!verdict.ok) {
          record(requestId, caller, messages, "refused", verdict.reason, performance.now() - since);
          stats?.recordRefusal("forbidden");
          return { ok: false, response: auth.refuseUse(verdict.scopes, verdict.reason) };
        }
      }
      const admission = limits.admit(caller.id, Math.max(1, messages.length));
      if (!admission.ok) {
        record(requestId, caller, messages, "rate_limited", admission.reason, performance.now() - since);
        stats?.recordRefusal("rate_limited");
        return {
          ok: false,
          response: Response.json(
            { jsonrpc: "2.0", id: null, error: { code: -32000, message: `Too many requests: ${admission.reason}` } },
            { status: 429, headers: { "retry-after": String(admission.retryAfterS) } },
          ),
        };
      }
      return {
        ok: true,
        authInfo: {
          ...authInfo,
          extra: { ...authInfo.extra, allowed: allowedNames(caller.roles, offered, policy), requestId },
        },
        finished(res) {
          const bytes = countBytes(res);
          res.once("close", () => {
            admission.release();
            const outcome = res.statusCode < 400 ? "ok" : "error";
            const reason = res.statusCode < 400 ? null : `HTTP ${res.statusCode}`;
            record(
              requestId,
              caller,
              messages,
              outcome,
              reason,
              performance.now() - since,
              bytes(),
              (m) => m.method !== "tools/call",
            );
          });
        },
      };
    },
  };
}

/** Count the bytes written to a response from now on. */
function countBytes(res: ServerResponse): () => number {
  let bytes = 0;
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  const add = (chunk: unknown) => {
    if (typeof chunk === "string") bytes += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    add(chunk);
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== "function") add(chunk);
    return (end as (...a: unknown[]) => ServerResponse)(chunk, ...rest);
  }) as typeof res.end;
  return () => bytes;
}
