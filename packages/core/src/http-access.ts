// Who may do what over HTTP, decided per request before the SDK sees it: the caller is authenticated, what it names
// is checked against its roles (403 insufficient_scope, with the scopes that would allow it), and its rate,
// concurrency and open streams against its limits (429, with Retry-After when waiting can help): access-admit.ts.
// Each refusal is one audit line, with what was asked (the call's arguments, masked); requests that reach a server
// are audited there, with their JSON-RPC outcome (audit-connection.ts), and the rest — refused by the SDK before
// dispatch — here, with their HTTP status (access-audit.ts). Each refusal is a failed span too (refusal-span.ts), and
// a caller whose token grants nothing is told why.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { admitter, grantedBy, type Refusal } from "./access-admit.js";
import { accessRecorder, sent, unreadRequest } from "./access-audit.js";
import type { AuditLog } from "./audit-log.js";
import type { Authenticator, AuthResult } from "./auth.js";
import { hasQueryToken, queryTokenRefused } from "./auth-answers.js";
import { checkScrape, type Offered, type RolePolicy } from "./auth-roles.js";
import { bearerCredentials } from "./bearer.js";
import type { Caller } from "./caller.js";
import type { CallerLimits } from "./caller-limits.js";
import { type AddressOf, peerAddress } from "./client-address.js";
import { traceRefusedHttp } from "./refusal-span.js";
import { type RequestMessage, requestsIn } from "./request-messages.js";
import type { ToolStats } from "./tool-stats.js";

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

/** A refusal at the HTTP layer, as the audit trail records it: the answer's status, reason and size. */
export interface DoorRefusal {
  status: number;
  reason: string;
  bytes: number;
  body?: unknown;
}

/** Build the gate for one endpoint. */
export function accessGate(options: AccessOptions) {
  const { auth, policy, limits, offered, audit, stats, redact, warn } = options;
  const addressOf = options.addressOf ?? peerAddress;
  const started = new WeakMap<IncomingMessage, number>();

  // A span's name and attributes hold only what the server offers: any other name is the caller's own text (a
  // refused caller's too), unbounded, so the span says `tools/call` without it, as for a served unknown tool.
  const named = new Set(offered.filter((o) => o.kind !== "resource").map((o) => `${o.kind} ${o.name}`));
  const bounded = (m: Partial<RequestMessage>) =>
    m.name === undefined || named.has(`${m.method === "tools/call" ? "tool" : "prompt"} ${m.name}`)
      ? m
      : { ...m, name: undefined };
  const trace = (req: IncomingMessage, asked: readonly Partial<RequestMessage>[], refusal: Refusal) =>
    traceRefusedHttp(req, started.get(req) ?? performance.now(), asked.map(bounded), refusal, addressOf(req));

  const record = accessRecorder(audit, redact);
  const audited = audit !== undefined;
  const admit = admitter({ auth, policy, limits, offered, stats, warn, addressOf, started, record, audited, trace });

  return {
    /** Authenticate before the body is read (an unknown caller does not get to upload 4 MiB). */
    async authenticate(req: IncomingMessage): Promise<AuthResult> {
      started.set(req, performance.now());
      let result = await auth.authenticate(req.headers.authorization);
      // A token in the URL (RFC 6750 §2.3) is never read: the 401 says so, not only that no token came.
      const unsent = () => bearerCredentials(req.headers.authorization).kind === "none";
      if (!result.ok && result.response.status === 401 && hasQueryToken(req.url) && unsent())
        result = await queryTokenRefused(result);
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
    admit,
  };
}
