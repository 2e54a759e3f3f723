// Who is calling a remote server: one shared token (MCP_AUTH_TOKEN), named tokens with roles from a file
// (MCP_AUTH_TOKENS_FILE), or OAuth access tokens from the team's identity provider (auth-oauth-authenticator.ts). Each
// turns an Authorization header into a caller — an identity for limits and the audit trail, and the roles that decide
// what it may use — or into the refusal to send.
import { hash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { AuthInfo } from "@modelcontextprotocol/server";
import { forbidden, malformedBearer, unauthorized } from "./auth-answers.js";
import { BUILTIN_ROLES, type RolePolicy } from "./auth-roles.js";
import { bearerCredentials } from "./bearer.js";
import type { Caller } from "./caller.js";

/** A verified caller, or the HTTP answer for a refused one and why (for the log and the audit line; never the token). */
export type AuthResult =
  | { ok: true; authInfo: AuthInfo; caller: Caller }
  | { ok: false; response: Response; reason: string; noCredentials?: true };

/** How a server authenticates its callers. */
export interface Authenticator {
  /** Check a request's Authorization header. */
  authenticate(header: string | undefined): Promise<AuthResult>;
  /** The 403 for a use outside the caller's roles, naming what would allow it; a JSON-RPC error for request `id`. */
  refuseUse(scopes: string[], reason: string, id: string | number | null): Response;
  /** The roles and scopes it maps callers to; serveHttp enforces them when it is given no `policy` of its own. */
  policy?: RolePolicy;
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

const digest = (text: string) => hash("sha256", text, "buffer");

/**
 * One shared token: whoever has it is a writer. The comparison takes the same time whatever the token. `name` is
 * where the token was set, as a refusal tells the client: the bins' MCP_AUTH_TOKEN by default.
 */
export function sharedTokenAuthenticator(token: string, name = "MCP_AUTH_TOKEN"): Authenticator {
  const expected = digest(token);
  const caller: Caller = {
    // Named in the log as in the audit trail (token_name): by where it was set.
    id: name,
    tokenName: name,
    roles: new Set(["writer"]),
    shared: true,
  };
  return {
    async authenticate(header) {
      const send = `send Authorization: Bearer <${name}>`;
      const credentials = bearerCredentials(header);
      if (credentials.kind === "none") return unauthorized(false, send);
      if (credentials.kind === "malformed") return malformedBearer(credentials.reason, send);
      const presented = credentials.token;
      if (!timingSafeEqual(digest(presented), expected)) {
        return unauthorized(true, `the token is not ${name}; ${send}`);
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
  const hashes = new Map<string, string>();
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
    // One token is one caller: a second entry with its hash would never match, whatever roles it lists.
    const first = hashes.get(sha256.toLowerCase());
    if (first !== undefined) {
      throw new Error(`${at} (${name}): its sha256 is also "${first}"'s; one token cannot be two callers`);
    }
    hashes.set(sha256.toLowerCase(), name);
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

/**
 * Named tokens from a file, each with its roles; `reload()` re-reads the file (the bins call it on SIGHUP). A file
 * listing no tokens is taken (every token withdrawn at once) and told to `warn`, at start and at each reload.
 */
export async function tokensFileAuthenticator(
  path: string,
  policy: RolePolicy,
  warn?: (message: string) => void,
): Promise<Authenticator> {
  let entries: { caller: Caller; hash: Buffer }[] = [];
  const load = async () => {
    const parsed = parseTokensFile(await readFile(path, "utf8"), policy, path);
    if (parsed.length === 0) {
      warn?.(
        `${path} lists no tokens: every request is refused (401) until one is added and the server re-reads it (SIGHUP)`,
      );
    }
    entries = parsed.map((t) => ({
      caller: { id: t.name, tokenName: t.name, roles: new Set(t.roles) },
      hash: Buffer.from(t.sha256, "hex"),
    }));
  };
  await load();
  return {
    policy,
    async authenticate(header) {
      const send = "send Authorization: Bearer <one of the tokens the operator issued>";
      const credentials = bearerCredentials(header);
      if (credentials.kind === "none") return unauthorized(false, send);
      if (credentials.kind === "malformed") return malformedBearer(credentials.reason, send);
      const presented = credentials.token;
      const hash = digest(presented);
      // Every entry is compared, so the time taken does not say which one matched.
      let found: Caller | undefined;
      for (const entry of entries) if (timingSafeEqual(hash, entry.hash)) found ??= entry.caller;
      if (!found) return unauthorized(true, "the token is not one the operator issued (or it was withdrawn)");
      const caller = found;
      return { ok: true, caller, authInfo: { token: presented, clientId: "", scopes: [], extra: { caller } } };
    },
    refuseUse: (_scopes, reason, id) =>
      forbidden(`${reason}; ask the server's operator for a token with such a role`, id),
    reload: load,
  };
}
