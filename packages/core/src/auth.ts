// Who is calling a remote server: one shared token (MCP_AUTH_TOKEN), named tokens with roles from a file
// (MCP_AUTH_TOKENS_FILE), or OAuth access tokens from the team's identity provider (auth-oauth-authenticator.ts). Each
// turns an Authorization header into a caller — an identity for limits and the audit trail, and the roles that decide
// what it may use — or into the refusal to send.
import { createHash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { AuthInfo } from "@modelcontextprotocol/server";
import { BUILTIN_ROLES, type RolePolicy } from "./auth-roles.js";
import type { Caller } from "./caller.js";

/** A verified caller, or the HTTP answer for a refused one and why (for the log and the audit line; never the token). */
export type AuthResult =
  | { ok: true; authInfo: AuthInfo; caller: Caller }
  | { ok: false; response: Response; reason: string };

/** How a server authenticates its callers. */
export interface Authenticator {
  /** Check a request's Authorization header. */
  authenticate(header: string | undefined): Promise<AuthResult>;
  /** The 403 for a use outside the caller's roles, naming what would allow it; a JSON-RPC error for request `id`. */
  refuseUse(scopes: string[], reason: string, id: string | number | null): Response;
  /** OAuth: the RFC 9728 Protected Resource Metadata, served at `paths`. */
  resourceMetadata?: { paths: string[]; document: Record<string, unknown> };
  /** Re-read what comes from files (on SIGHUP); a file that no longer parses keeps the old contents, and throws. */
  reload?(): Promise<void>;
  /**
   * Fetch what checking needs (the issuer's metadata) and try the introspection credentials, so a misconfiguration
   * shows at start-up.
   */
  prepare?(): Promise<void>;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * The 401. A request with no token gets a bare challenge (RFC 6750 §3.1: no error code when no credentials were
 * sent); a token that is not accepted gets `error="invalid_token"`.
 */
function unauthorized(presented: boolean, message: string): { ok: false; response: Response; reason: string } {
  const challenge = presented
    ? `Bearer realm="mcp", error="invalid_token", error_description="${message}"`
    : 'Bearer realm="mcp"';
  return {
    ok: false,
    reason: presented ? message : "no bearer token",
    response: Response.json(
      { jsonrpc: "2.0", id: null, error: { code: -32001, message: `Unauthorized: ${message}` } },
      { status: 401, headers: { "www-authenticate": challenge } },
    ),
  };
}

/** The 403 for a use outside the caller's roles: a JSON-RPC error, as other refusals are, and the challenge. */
export function forbidden(
  reason: string,
  id: string | number | null,
  challenge = `Bearer error="insufficient_scope", error_description="${quotable(reason)}"`,
): Response {
  return Response.json(
    { jsonrpc: "2.0", id, error: { code: -32000, message: `Forbidden: ${reason}` } },
    { status: 403, headers: { "www-authenticate": challenge } },
  );
}

/** Text as a quoted-string of a challenge may carry it. */
function quotable(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, "?");
}

/** One shared token: whoever has it is a writer. The comparison takes the same time whatever the token. */
export function sharedTokenAuthenticator(token: string): Authenticator {
  const expected = digest(token);
  const caller: Caller = { id: "shared-token", tokenName: "MCP_AUTH_TOKEN", roles: new Set(["writer"]) };
  return {
    async authenticate(header) {
      const presented = bearerOf(header);
      if (presented === undefined) return unauthorized(false, "send Authorization: Bearer <MCP_AUTH_TOKEN>");
      if (!timingSafeEqual(digest(presented), expected)) {
        return unauthorized(true, "the token is not MCP_AUTH_TOKEN; send Authorization: Bearer <MCP_AUTH_TOKEN>");
      }
      return { ok: true, caller, authInfo: { token: presented, clientId: "", scopes: [], extra: { caller } } };
    },
    refuseUse: (_scopes, reason, id) => forbidden(reason, id),
  };
}

/** One named token of a tokens file. */
export interface NamedToken {
  name: string;
  /** Hex SHA-256 of the token: the file never holds a token itself. */
  sha256: string;
  roles: string[];
}

/** Parse a tokens file: `{"tokens": [{"name": "ci", "sha256": "<hex>", "roles": ["reader"]}]}`. */
export function parseTokensFile(text: string, policy: RolePolicy, where = "tokens file"): NamedToken[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not valid JSON; expected {"tokens": [{"name", "sha256", "roles"}]}`);
  }
  const tokens = (value as { tokens?: unknown })?.tokens;
  if (!Array.isArray(tokens)) throw new Error(`${where} must be {"tokens": [{"name", "sha256", "roles"}, …]}`);
  const names = new Set<string>();
  return tokens.map((entry, i) => {
    const { name, sha256, roles } = (entry ?? {}) as Partial<NamedToken>;
    const at = `${where}, tokens[${i}]`;
    if (typeof name !== "string" || !/^[\w.@-]{1,64}$/.test(name)) {
      throw new Error(`${at}: "name" must be 1-64 letters, digits, _ . @ or -`);
    }
    if (names.has(name)) throw new Error(`${at}: the name "${name}" is used twice`);
    names.add(name);
    if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/i.test(sha256)) {
      throw new Error(`${at} (${name}): "sha256" must be the token's SHA-256 in hex (sha256sum), not the token`);
    }
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => typeof r === "string")) {
      throw new Error(`${at} (${name}): "roles" must be a non-empty list`);
    }
    for (const role of roles) {
      if (!(BUILTIN_ROLES as readonly string[]).includes(role) && !Object.hasOwn(policy.roles, role)) {
        throw new Error(
          `${at} (${name}): role "${role}" is neither built in (${BUILTIN_ROLES.join(", ")}) nor in the policy file`,
        );
      }
    }
    return { name, sha256: sha256.toLowerCase(), roles: [...roles] };
  });
}

/** Named tokens from a file, each with its roles; `reload()` re-reads the file (the bins call it on SIGHUP). */
export async function tokensFileAuthenticator(path: string, policy: RolePolicy): Promise<Authenticator> {
  let entries: { caller: Caller; hash: Buffer }[] = [];
  const load = async () => {
    const parsed = parseTokensFile(await readFile(path, "utf8"), policy, path);
    entries = parsed.map((t) => ({
      caller: { id: t.name, tokenName: t.name, roles: new Set(t.roles) },
      hash: Buffer.from(t.sha256, "hex"),
    }));
  };
  await load();
  return {
    async authenticate(header) {
      const presented = bearerOf(header);
      if (presented !== undefined) {
        const hash = digest(presented);
        // Every entry is compared, so the time taken does not say which one matched.
        let found: Caller | undefined;
        for (const entry of entries) if (timingSafeEqual(hash, entry.hash)) found ??= entry.caller;
        if (found) {
          const caller = found;
          return { ok: true, caller, authInfo: { token: presented, clientId: "", scopes: [], extra: { caller } } };
        }
      }
      return presented === undefined
        ? unauthorized(false, "send Authorization: Bearer <one of the tokens the operator issued>")
        : unauthorized(true, "the token is not one the operator issued (or it was withdrawn)");
    },
    refuseUse: (_scopes, reason, id) =>
      forbidden(`${reason}; ask the server's operator for a token with such a role`, id),
    reload: load,
  };
}
