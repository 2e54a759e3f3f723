// Who may do what over HTTP, decided per request before the SDK sees it: the caller is authenticated, what it names
// is checked against its roles (403 insufficient_scope, with the scopes that would allow it), and its rate,
// concurrency and open streams against its limits (429, with Retry-After when waiting can help). Each refusal is one
// audit line, with what was asked (the call's arguments, masked); requests that reach a server are audited there,
// with their JSON-RPC outcome (audit-connection.ts), and the rest — refused by the SDK before dispatch — here, with
// their HTTP status. Each refusal is a failed span too (refusal-span.ts), and a caller whose token grants nothing is
// told why.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthInfo } from "@modelcontextprotocol/server";
import { type AuditLog, type AuditOutcome, argsDigest, auditCaller } from "./audit-log.js";
import type { Authenticator } from "./auth.js";
import { allowedNames, checkScrape, checkUse, noGrantReason, type Offered, type RolePolicy } from "./auth-roles.js";
import { type Caller, holderOf } from "./caller.js";
import type { CallerLimits } from "./caller-limits.js";
import { type AddressOf, peerAddress } from "./client-address.js";
import { answerHasBody, countBytes, httpErrorReason } from "./http-json.js";
import { traceRefusedHttp } from "./refusal-span.js";
import { onlyListens, type RequestMessage, requestsIn, toolsCalled } from "./request-messages.js";
import { knownMethod } from "./request-span.js";
import { resourceOf } from "./resource-of.js";
import type { ToolStats } from "./tool-stats.js";

/** Callers told of at most once (a token granting nothing), before the memory of them starts over. */
const MAX_WARNED_CALLERS = 10_000;

/** What the gate needs. */
export interface AccessOptions {
  auth: Authenticator;
  policy: RolePolicy;
  limits: CallerLimits;
  /** The client address a shared token's listen streams are counted by. Default the connection's peer. */
  addressOf?: AddressOf | undefined;
  offered: readonly Offered[];
  audit?: AuditLog | undefined;
  /** Counts refusals by cause (the stats resource). */
  stats?: ToolStats | undefined;
  /** Removes the server's own secrets from the argument previews of refused calls. */
  redact?: ((text: string) => string) | undefined;
  /** Hears, once per caller, of an authenticated caller whose token grants nothing here (the operator's log). */
  warn?: ((line: string) => void) | undefined;
}

/**
 * The outcome of the gate: go on with this AuthInfo (and call `finished` when the response is done; `stream` when the
 * answer is a listen stream that lasts as long as its client), or refused.
 */
export type Access =
  | { ok: true; authInfo: AuthInfo; stream: boolean; finished(res: ServerResponse): void }
  | { ok: false; response: Response; reason: string };

type Refusal = { cause: string; reason: string; status: number };

/** A refusal at the HTTP layer, as the audit trail records it: the answer's status, reason and size. */
export interface DoorRefusal {
  status: number;
  reason: string;
  bytes: number;
  body?: unknown;
}

/** A named token's roles are the tokens file's, not scopes: its refusals name roles. */
const grantedBy = (caller: Caller) => (caller.tokenName && !caller.shared ? "role" : "scope");

/**
 * The one line a request whose body was not read is audited under: a 2026-07-28 client names its method in a header.
 * Only an MCP method is written: the header is the unknown caller's own text, up to 16 KiB of it per line.
 */
function unreadRequest(req: IncomingMessage): RequestMessage {
  const header = req.headers["mcp-method"];
  const method = knownMethod(typeof header === "string" ? header : undefined) ?? `${req.method} (body not read)`;
  return { id: "-", method, name: undefined };
}

/** Build the gate for one endpoint. */
export function accessGate(options: AccessOptions) {
  const { auth, policy, limits, offered, audit, stats, redact, warn } = options;
  const addressOf = options.addressOf ?? peerAddress;
  const started = new WeakMap<IncomingMessage, number>();
  const warned = new Set<string>();

  // A span's name and attributes hold only what the server offers: any other name is the caller's own text (a
  // refused caller's too), unbounded, so the span says `tools/call` without it, as for a served unknown tool.
  const named = new Set(offered.filter((o) => o.kind !== "resource").map((o) => `${o.kind} ${o.name}`));
  const bounded = (m: Partial<RequestMessage>) =>
    m.name === undefined || named.has(`${m.method === "tools/call" ? "tool" : "prompt"} ${m.name}`)
      ? m
      : { ...m, name: undefined };
  const trace = (req: IncomingMessage, asked: readonly Partial<RequestMessage>[], refusal: Refusal) =>
    traceRefusedHttp(req, started.get(req) ?? performance.now(), asked.map(bounded), refusal);

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
          request_id: `${requestId}/${String(m.id)}`,
          caller: auditCaller(caller),
          client_address: address ?? null,
          method: m.method,
          tool: m.method === "tools/call" ? (m.name ?? null) : null,
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

  // What the client received of a refusal: nothing of its body for a HEAD.
  const sent = (req: IncomingMessage, response: Response): number | Response => (answerHasBody(req) ? response : 0);

  const tellOperator = (caller: Caller, why: string) => {
    const key = `${caller.id}\n${caller.clientId ?? ""}`;
    if (!warn || warned.has(key)) return;
    if (warned.size >= MAX_WARNED_CALLERS) warned.clear();
    warned.add(key);
    const client = caller.clientId && caller.clientId !== caller.id ? ` (client ${caller.clientId})` : "";
    warn(`caller ${caller.id}${client} is authenticated, but ${why} (scopes and roles: --auth-policy)`);
  };

  return {
    /** Authenticate before the body is read (an unknown caller does not get to upload 4 MiB). */
    async authenticate(
      req: IncomingMessage,
    ): Promise<{ ok: true; caller: Caller; authInfo: AuthInfo } | { ok: false; response: Response; reason: string }> {
      started.set(req, performance.now());
      const result = await auth.authenticate(req.headers.authorization);
      if (!result.ok) {
        // A 5xx is a token that could not be judged (the issuer did not answer): an error, not a refused caller.
        const judged = result.response.status < 500;
        // The body is not read for an unknown caller.
        record(
          addressOf(req),
          randomUUID(),
          undefined,
          [unreadRequest(req)],
          judged ? "unauthorized" : "error",
          `HTTP ${result.response.status}: ${result.reason}`,
          0,
          sent(req, result.response),
        );
        if (judged) stats?.recordRefusal("unauthorized");
        const cause = judged ? "unauthorized" : "issuer_unavailable";
        trace(req, [], { cause, reason: result.reason, status: result.response.status });
      }
      return result;
    },

    /** May this caller read GET /metrics on the MCP port? A refusal is audited and counted like a tool's. */
    admitScrape(req: IncomingMessage, caller: Caller): { ok: true } | { ok: false; response: Response } {
      const verdict = checkScrape(caller.roles, policy, grantedBy(caller));
      if (verdict.ok) return verdict;
      const asked = [{ id: "-", method: "GET /metrics", name: undefined }];
      const response = auth.refuseUse(verdict.scopes, verdict.reason, null);
      record(addressOf(req), randomUUID(), caller, asked, "refused", verdict.reason, 0, sent(req, response));
      stats?.recordRefusal("forbidden");
      trace(req, [], { cause: "forbidden", reason: verdict.reason, status: response.status });
      return { ok: false, response };
    },

    /**
     * Audit a request the HTTP layer refused (http-refusal.ts: Host or Origin, protocol version, body), `caller`
     * undefined when refused before its token was read; `body` when it was read, so each request in it gets its line.
     */
    refusedAtDoor(req: IncomingMessage, since: number, caller: Caller | undefined, refusal: DoorRefusal) {
      const asked = requestsIn(refusal.body);
      const messages = asked.length > 0 ? asked : [unreadRequest(req)];
      const reason = `HTTP ${refusal.status}: ${refusal.reason}`;
      record(addressOf(req), randomUUID(), caller, messages, "error", reason, performance.now() - since, refusal.bytes);
    },

    /** Judge what the body asks for against the caller's roles and limits. */
    admit(req: IncomingMessage, caller: Caller, authInfo: AuthInfo, body: unknown): Access {
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
        record(from, requestId, caller, messages, "rate_limited", refusal.reason, ms, sent(req, response));
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
          const answer = countBytes(res);
          res.once("close", () => {
            admission.release();
            if (stream?.ok) stream.release();
            const failed = res.statusCode >= 400;
            const outcome = !failed ? "ok" : res.statusCode === 429 ? "rate_limited" : "error";
            const reason = failed ? httpErrorReason(res.statusCode, answer.head()) : null;
            // A GET, HEAD or DELETE carries no JSON-RPC request; one the endpoint refused (405, 400) still gets a line.
            const bodiless = messages.length === 0 && failed && req.method !== "POST";
            record(
              from,
              requestId,
              caller,
              bodiless ? [unreadRequest(req)] : messages,
              outcome,
              reason,
              performance.now() - since,
              answer.bytes(),
              (m) => !seen.has(m.id),
            );
          });
        },
      };
    },
  };
}
