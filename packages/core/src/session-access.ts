// Who may go on using an open 2025 session (sessions.ts): only the caller that opened it, and only while its token
// allows what the session's server offers — a server is built once per session, with what the roles allowed then.
// Pure: the refusal to send, or none.
import type { AuthInfo } from "@modelcontextprotocol/server";
import { allowedOf, callerOf } from "./caller.js";

/** What a session remembers of the caller that opened it. */
export interface SessionOwner {
  callerId: string | undefined;
  /** What the caller's roles allowed when it opened: its server offers just that, for its whole life. */
  allowed: ReadonlySet<string> | undefined;
  roles: readonly string[];
}

/** A caller's roles, sorted: what a session keeps to say later why it ended. */
export function rolesOf(authInfo: AuthInfo | undefined): string[] {
  return [...(callerOf(authInfo)?.roles ?? [])].sort();
}

/**
 * Why this request may not use the session: another caller's (403), or a token whose roles allow other things than
 * the session's server offers — a step-up token, or roles re-read on SIGHUP — which ends the session with a 404 that
 * makes the client initialize one with what its token allows now (`ended`). Undefined when it may.
 */
export function sessionRefusal(
  owner: SessionOwner,
  authInfo: AuthInfo | undefined,
): { status: number; code: number; message: string; ended: boolean } | undefined {
  if (owner.callerId !== callerOf(authInfo)?.id) {
    return { status: 403, code: -32000, message: "Forbidden: this session belongs to another caller", ended: false };
  }
  if (sameNames(owner.allowed, allowedOf(authInfo))) return undefined;
  const now = rolesOf(authInfo);
  // The same roles, allowing other things: the policy file was re-read (SIGHUP) since the session opened.
  const why =
    listed(now) === listed(owner.roles)
      ? `what the roles ${listed(now)} allow changed since it was opened (the policy was re-read)`
      : `it was opened with the roles ${listed(owner.roles)} and this request's token has ${listed(now)}`;
  return {
    status: 404,
    code: -32001,
    message: `Session ended: ${why}; a session offers what its roles allowed when it opened, so initialize again`,
    ended: true,
  };
}

const listed = (roles: readonly string[]) => (roles.length > 0 ? roles.join(", ") : "(none)");

function sameNames(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  if (!a || !b) return a === b;
  return a.size === b.size && [...a].every((name) => b.has(name));
}
