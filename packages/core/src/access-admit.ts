// The gate's judgement of an authenticated request: what its body names against the caller's roles (403
// insufficient_scope, with the scopes that would allow it), and its rate, concurrency and open streams against its
// limits (429, with Retry-After when waiting can help). A request let through carries what its server needs in its
// AuthInfo, and is audited when its answer is done unless a server audited it; a caller whose token grants nothing is
// told why, and the operator hears of it once.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthInfo } from "@modelcontextprotocol/server";
import { type AccessRecord, sent, sessionRequest, unreadRequest } from "./access-audit.js";
import type { Authenticator } from "./auth.js";
import { allowedNames, checkUse, noGrantReason, type Offered, type RolePolicy } from "./auth-roles.js";
import { type Caller, holderOf } from "./caller.js";
import type { CallerLimits } from "./caller-limits.js";
import type { AddressOf } from "./client-address.js";
import { countBytes, httpErrorReason } from "./http-json.js";
import { onlyListens, type RequestMessage, requestsIn, toolsCalled } from "./request-messages.js";
import { resourceOf } from "./resource-of.js";
import type { ToolStats } from "./tool-stats.js";

/** Callers told of at most once (a token granting nothing), before the memory of them starts over. */
const MAX_WARNED_CALLERS = 10_000;

/**
 * The outcome of the gate: go on with this AuthInfo (and call `finished` when the response is done; `stream` when the
 * answer is a listen stream that lasts as long as its client), or refused.
 */
export type Access =
  | { ok: true; authInfo: AuthInfo; stream: boolean; finished(res: ServerResponse): void }
  | { ok: false; response: Response; reason: string };

/** A refusal as its span records it: the cause, why, and the HTTP status. */
export type Refusal = { cause: string; reason: string; status: number };

/** A named token's roles are the tokens file's, not scopes: its refusals name roles. */
export const grantedBy = (caller: Caller) => (caller.tokenName && !caller.shared ? "role" : "scope");

/** What admitting needs of its gate: the gate's options, and the clock, audit writer and tracer of its other checks. */
export interface AdmitParts {
  auth: Authenticator;
  policy: RolePolicy;
  limits: CallerLimits;
  offered: readonly Offered[];
  stats?: ToolStats | undefined;
  warn?: ((line: string) => void) | undefined;
  addressOf: AddressOf;
  /** When each request arrived, on the performance.now() clock. */
  started: WeakMap<IncomingMessage, number>;
  record: AccessRecord;
  /**
   * Whether `record` writes anything (an audit trail is kept). Unless false, each answer's bytes are counted and its
   * start kept for an error's reason; without a trail that was work on every response for nothing.
   */
  audited?: boolean;
  trace: (req: IncomingMessage, asked: readonly Partial<RequestMessage>[], refusal: Refusal) => void;
}

/** Build the gate's `admit`, which judges what the body asks for against the caller's roles and limits. */
export function admitter(parts: AdmitParts) {
  const { auth, policy, limits, offered, stats, warn, addressOf, started, record, trace, audited = true } = parts;
  const warned = new Set<string>();

  const tellOperator = (caller: Caller, why: string) => {
    const key = `${caller.id}\n${caller.clientId ?? ""}`;
    if (!warn || warned.has(key)) return;
    if (warned.size >= MAX_WARNED_CALLERS) warned.clear();
    warned.add(key);
    const client = caller.clientId && caller.clientId !== caller.id ? ` (client ${caller.clientId})` : "";
    warn(`caller ${caller.id}${client} is authenticated, but ${why} (scopes and roles: --auth-policy)`);
  };

  return (req: IncomingMessage, caller: Caller, authInfo: AuthInfo, body: unknown): Access => {
    const since = started.get(req) ?? performance.now();
    const requestId = randomUUID();
    const from = addressOf(req);
    const messages = requestsIn(body);
    for (const m of messages) {
      // A read of a resource outside the caller's roles is refused here too, saying so, not answered "not found".
      const used = m.name ?? (m.uri === undefined ? undefined : resourceOf(m.uri, offered));
      if (!used) continue;
      const verdict = checkUse(used, caller.roles, offered, policy, grantedBy(caller));
      if (!verdict.ok) {
        const id = Array.isArray(body) ? null : m.id;
        const response = auth.refuseUse(verdict.scopes, verdict.reason, id);
        const ms = performance.now() - since;
        record(from, requestId, caller, messages, "refused", verdict.reason, ms, sent(req, response));
        stats?.recordRefusal("forbidden");
        trace(req, messages, { cause: "forbidden", reason: verdict.reason, status: response.status });
        return { ok: false, response, reason: verdict.reason };
      }
    }
    const listens = onlyListens(messages);
    const tooMany = (refusal: { reason: string; retryAfterS?: number | undefined }): Access => {
      const { retryAfterS } = refusal;
      const response = Response.json(
        {
          jsonrpc: "2.0",
          id: Array.isArray(body) ? null : (messages[0]?.id ?? null),
          error: { code: -32000, message: `Too many requests: ${refusal.reason}` },
        },
        { status: 429, headers: retryAfterS === undefined ? {} : { "retry-after": String(retryAfterS) } },
      );
      const ms = performance.now() - since;
      // A GET stream or a DELETE carries no JSON-RPC request: it still gets its line.
      const asked = messages.length > 0 ? messages : [unreadRequest(req)];
      record(from, requestId, caller, asked, "rate_limited", refusal.reason, ms, sent(req, response));
      stats?.recordRefusal("rate_limited");
      trace(req, messages, { cause: "rate_limited", reason: refusal.reason, status: 429 });
      return { ok: false, response, reason: refusal.reason };
    };
    // A POST costs one per request in it (notifications and responses are free); a GET stream or a DELETE costs
    // one. A stream that is open for long holds no running place: a 2025 GET stream, or a 2026-07-28 client's
    // subscriptions/listen, which the SDK opens by itself and which would else take a place for good; it counts
    // against the caller's open streams instead.
    const admission =
      req.method === "POST"
        ? limits.admit(caller.id, messages.length, !listens)
        : limits.admit(caller.id, 1, req.method !== "GET");
    if (!admission.ok) return tooMany(admission);
    // A GET is a stream only in a session (--stateful); without one it is answered at once (405, or 400).
    const sessionStream = req.method === "GET" && typeof req.headers["mcp-session-id"] === "string";
    const stream = listens || sessionStream ? limits.openStream(holderOf(caller, from)) : undefined;
    if (stream && !stream.ok) {
      admission.release();
      return tooMany(stream);
    }
    // The ids a server saw (audit-connection.ts): those are audited there, with their JSON-RPC outcome.
    const seen = new Set<string | number>();
    const calls = toolsCalled(messages);
    const allowed = allowedNames(caller.roles, offered, policy);
    // Served, with empty lists: the token is valid. Its server's instructions say why, and the operator hears once.
    const nothing = allowed.size === 0 ? noGrantReason(authInfo.scopes, caller.roles, offered, policy) : undefined;
    if (nothing) tellOperator(caller, nothing);
    return {
      ok: true,
      stream: listens,
      authInfo: {
        ...authInfo,
        extra: {
          ...authInfo.extra,
          allowed,
          ...(nothing ? { nothingGranted: nothing } : {}),
          ...(calls ? { calls } : {}),
          requestId,
          clientAddress: from,
          seen,
        },
      },
      finished(res) {
        const answer = audited ? countBytes(res) : undefined;
        res.once("close", () => {
          admission.release();
          if (stream?.ok) stream.release();
          if (!answer) return;
          const failed = res.statusCode >= 400;
          const outcome = !failed ? "ok" : res.statusCode === 429 ? "rate_limited" : "error";
          const reason = failed ? httpErrorReason(res.statusCode, answer.head()) : null;
          // A GET, HEAD or DELETE carries no JSON-RPC request; it still gets a line: refused (405, 400), a session's
          // stream when it closes, or the DELETE that ended a session.
          const bodiless = messages.length === 0 && req.method !== "POST";
          record(
            from,
            requestId,
            caller,
            bodiless ? [failed ? unreadRequest(req) : sessionRequest(req)] : messages,
            outcome,
            reason,
            performance.now() - since,
            answer.bytes(),
            (m) => !seen.has(m.id),
          );
        });
      },
    };
  };
}
