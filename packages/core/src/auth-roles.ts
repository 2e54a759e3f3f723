// Who may use what, when a remote server has many callers. A role is a set of names: tools, prompts and resources.
// Three are built in — `reader` (every tool annotated read-only, every prompt and resource), `writer` (everything)
// and `metrics` (nothing but GET /metrics on the MCP port, for a scraper's token) — and a policy file adds more, with
// the OAuth scopes (or the names in a token's group and role claims: auth-claim-roles.ts) that grant them. Pure:
// everything comes in as arguments.
import { type ClaimPath, claimPathText, parseClaimPaths, parseGroups } from "./auth-claim-roles.js";

/** A verdict on one use: allowed, or refused with the reason and the scopes that would allow it. */
export type UseVerdict = { ok: true } | { ok: false; reason: string; scopes: string[] };

/** What a server offers, as far as roles are concerned. */
export interface Offered {
  name: string;
  kind: "tool" | "prompt" | "resource";
  /** Tools: annotated readOnlyHint. Prompts and resources only read. */
  readOnly: boolean;
  /** A resource's fixed URI, or its URI template: what a `resources/read` of it names. */
  uri?: string;
  uriTemplate?: string;
}

/**
 * The policy file: custom roles (each a list of names), the scopes that grant roles, and the claims whose names
 * (groups, the provider's roles) grant roles through `groups`. parsePolicy always sets all four.
 */
export interface RolePolicy {
  roles: Readonly<Record<string, readonly string[]>>;
  scopes: Readonly<Record<string, string>>;
  claims?: readonly ClaimPath[];
  groups?: Readonly<Record<string, string>>;
}

export const BUILTIN_ROLES = ["reader", "writer", "metrics"] as const;

/** The scopes that grant the built-in roles. */
export const BUILTIN_SCOPES: Readonly<Record<string, string>> = {
  "mcp:read": "reader",
  "mcp:write": "writer",
  "mcp:metrics": "metrics",
};

/** The roles that may read GET /metrics on the MCP port: its own, and `writer`, which may already do everything. */
export const METRICS_ROLES: readonly string[] = ["metrics", "writer"];

export const EMPTY_POLICY: RolePolicy = { roles: {}, scopes: {}, claims: [], groups: {} };

const POLICY_KEYS = ["roles", "scopes", "claims", "groups"];

/** Parse a policy file's JSON text, refusing in one line anything that is not exactly the documented shape. */
export function parsePolicy(text: string, where = "policy file"): RolePolicy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(
      `${where} is not valid JSON; expected {"roles": {"name": ["tool", …]}, "scopes": {"scope": "role"}}`,
    );
  }
  if (!isObject(value)) throw new Error(`${where} must be a JSON object with "roles" and "scopes"`);
  const unknown = Object.keys(value).filter((k) => !POLICY_KEYS.includes(k));
  if (unknown.length > 0)
    throw new Error(`${where}: unknown key "${unknown[0]}"; only "roles", "scopes", "claims" and "groups"`);
  const roles: Record<string, string[]> = {};
  for (const [role, names] of Object.entries(isObject(value.roles) ? value.roles : {})) {
    if ((BUILTIN_ROLES as readonly string[]).includes(role)) {
      throw new Error(`${where}: role "${role}" is built in and cannot be redefined`);
    }
    if (!Array.isArray(names) || !names.every((n) => typeof n === "string" && n.length > 0)) {
      throw new Error(`${where}: role "${role}" must be a list of tool, prompt or resource names`);
    }
    roles[role] = [...names];
  }
  if (value.roles !== undefined && !isObject(value.roles)) throw new Error(`${where}: "roles" must be an object`);
  if (value.scopes !== undefined && !isObject(value.scopes)) throw new Error(`${where}: "scopes" must be an object`);
  const scopes: Record<string, string> = {};
  for (const [scope, role] of Object.entries(isObject(value.scopes) ? value.scopes : {})) {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) throw new Error(`${where}: "${scope}" is not a valid OAuth scope`);
    if (
      typeof role !== "string" ||
      !(Object.hasOwn(roles, role) || (BUILTIN_ROLES as readonly string[]).includes(role))
    ) {
      throw new Error(`${where}: scope "${scope}" grants role "${String(role)}", which is not defined`);
    }
    // rolesForScopes gives a built-in scope its own role whatever the file says: say so, rather than let a reader's
    // token keep every read-only tool the file meant to take from it.
    const builtin = own(BUILTIN_SCOPES, scope);
    if (builtin !== undefined && builtin !== role) {
      throw new Error(
        `${where}: scope "${scope}" is built in and always grants role "${builtin}"; give role "${role}" a scope of its own (such as "mcp:${role}")`,
      );
    }
    scopes[scope] = role;
  }
  const claims = value.claims === undefined ? [] : parseClaimPaths(value.claims, where);
  const isRole = (role: string) => Object.hasOwn(roles, role) || (BUILTIN_ROLES as readonly string[]).includes(role);
  return { roles, scopes, claims, groups: parseGroups(value.groups, claims, isRole, where) };
}

/** The roles an OAuth token's scopes grant: the built-in scopes, then the policy's. Unknown scopes grant nothing. */
export function rolesForScopes(scopes: readonly string[], policy: RolePolicy): Set<string> {
  const granted = new Set<string>();
  for (const scope of scopes) {
    const role = own(BUILTIN_SCOPES, scope) ?? own(policy.scopes, scope);
    if (role) granted.add(role);
  }
  return granted;
}

/**
 * The scopes an MCP client is told to ask for (the metadata's `scopes_supported`): the policy's, and a built-in one
 * only where no policy scope grants its role — a policy mapping `MCP.Read` to reader means the provider knows
 * `MCP.Read`, not `mcp:read` (which tokens may still carry) — nor any of its `groups`: a role that comes with a
 * user's group is not one every client should ask to be granted. Never a group, which no client can ask for, nor a
 * metrics scope: that is for a scraper's token.
 */
export function advertisedScopes(policy: RolePolicy): string[] {
  // A policy scope named like a built-in one cannot change what it grants (rolesForScopes), so it is not the policy's.
  const policyOwn = Object.entries(policy.scopes).filter(([scope]) => !Object.hasOwn(BUILTIN_SCOPES, scope));
  const grouped = policy.claims?.length ? Object.values(policy.groups ?? {}) : [];
  const mapped = new Set([...policyOwn.map(([, role]) => role), ...grouped]);
  const builtin = Object.entries(BUILTIN_SCOPES).filter(([, role]) => !mapped.has(role));
  return [...builtin, ...policyOwn].filter(([, role]) => role !== "metrics").map(([scope]) => scope);
}

/** The one scope a step-up challenge names from those that would allow a use: the first clients are told of. */
export function challengeScope(scopes: readonly string[], policy: RolePolicy): string | undefined {
  const advertised = new Set(advertisedScopes(policy));
  return scopes.find((scope) => advertised.has(scope)) ?? scopes[0];
}

/** Does a role cover one offered thing? */
function covers(role: string, item: Offered, policy: RolePolicy): boolean {
  if (role === "writer") return true;
  if (role === "reader") return item.readOnly;
  if (role === "metrics") return false;
  return own(policy.roles, role)?.includes(item.name) ?? false;
}

/** The names a caller with these roles may list and use. */
export function allowedNames(roles: ReadonlySet<string>, offered: readonly Offered[], policy: RolePolicy): Set<string> {
  return new Set(offered.filter((item) => [...roles].some((role) => covers(role, item, policy))).map((i) => i.name));
}

/**
 * May a caller use `name`? A refusal carries the scopes that would grant it (the built-in one first), for the 403
 * `insufficient_scope` challenge a client can step up with. Its reason names those scopes, or for a named token
 * (`grantedBy: "role"`, whose roles come from the tokens file, not scopes) the roles that would. A name the server
 * does not offer is left to the server (it answers "not found").
 */
export function checkUse(
  name: string,
  roles: ReadonlySet<string>,
  offered: readonly Offered[],
  policy: RolePolicy,
  grantedBy: "scope" | "role" = "scope",
): UseVerdict {
  const item = offered.find((o) => o.name === name);
  if (!item || [...roles].some((role) => covers(role, item, policy))) return { ok: true };
  const scopes = [item.readOnly ? "mcp:read" : "mcp:write"];
  for (const [scope, role] of Object.entries(policy.scopes)) {
    if (covers(role, item, policy) && !scopes.includes(scope)) scopes.push(scope);
  }
  const held = roles.size > 0 ? [...roles].join(", ") : "none";
  const granting =
    grantedBy === "scope"
      ? `scope ${scopes.join(" or ")}${claimedBy(policy, (role) => covers(role, item, policy))}`
      : `role ${[...BUILTIN_ROLES, ...Object.keys(policy.roles)].filter((role) => covers(role, item, policy)).join(" or ")} (in the tokens file)`;
  return {
    ok: false,
    reason: `${item.kind} ${name} is not in the caller's roles (${held}); a token with ${granting} may use it`,
    scopes,
  };
}

/**
 * May a caller read GET /metrics on the MCP port? The figures name every tool and how all callers use them, so a
 * token that may call nothing (or only read) does not get them: the `metrics` role (scope `mcp:metrics`) or `writer`.
 * Its reason names the scopes that would grant it, or for a named token (`grantedBy: "role"`) the role.
 */
export function checkScrape(
  roles: ReadonlySet<string>,
  policy: RolePolicy,
  grantedBy: "scope" | "role" = "scope",
): UseVerdict {
  if (METRICS_ROLES.some((role) => roles.has(role))) return { ok: true };
  const scopes = ["mcp:metrics"];
  for (const [scope, role] of Object.entries(policy.scopes)) {
    if (METRICS_ROLES.includes(role) && !scopes.includes(scope)) scopes.push(scope);
  }
  const held = roles.size > 0 ? [...roles].join(", ") : "none";
  return {
    ok: false,
    // A named token's roles come from the tokens file, where no scope can be given it.
    reason: `GET /metrics needs the metrics or writer role, not the caller's (${held}); a token with ${grantedBy === "scope" ? `scope ${scopes.join(" or ")}${claimedBy(policy, (role) => METRICS_ROLES.includes(role))}` : "role metrics (in the tokens file)"} may read it`,
    scopes,
  };
}

/**
 * Why an authenticated caller is offered nothing, or undefined when it is offered something: the token's scopes
 * (OAuth) or roles (named tokens), and the scopes that would grant a role covering something this server offers.
 * Said to that caller (its server's instructions) and to the operator (a warning), never to an unknown one.
 */
export function noGrantReason(
  scopes: readonly string[] | undefined,
  roles: ReadonlySet<string>,
  offered: readonly Offered[],
  policy: RolePolicy,
): string | undefined {
  if (allowedNames(roles, offered, policy).size > 0) return undefined;
  const offering = (role: string) => offered.some((item) => covers(role, item, policy));
  const list = (items: Iterable<string>) => [...items].join(", ");
  if (roles.size > 0) {
    const useful = [...BUILTIN_ROLES, ...Object.keys(policy.roles)].filter(offering);
    return `the token's roles (${list(roles)}) cover nothing this server offers, so it is offered no tools, prompts or resources; a token with role ${useful.join(" or ")} would be`;
  }
  // The built-in scopes first; a policy scope of the same name cannot change what they grant.
  const policyScopes = Object.entries(policy.scopes).filter(([scope]) => !Object.hasOwn(BUILTIN_SCOPES, scope));
  const useful = [...Object.entries(BUILTIN_SCOPES), ...policyScopes]
    .filter(([, role]) => offering(role))
    .map(([scope]) => scope);
  const claims = policy.claims?.length ? policy.claims.map(claimPathText).join(", ") : undefined;
  const held = scopes?.length
    ? `the token's scopes (${list(scopes)}) grant no role here${claims ? `, nor do the names in its ${claims}` : ""}`
    : `the token carries no scope${claims ? `, and the names in its ${claims} grant no role here` : ""}`;
  return `${held}, so it is offered no tools, prompts or resources; a token with scope ${useful.join(" or ")}${claimedBy(policy, offering)} would be`;
}

/**
 * The names in the policy's `groups` that grant a role `grants` accepts, as the alternative to a scope a refusal
 * names (`, or mcp-admins in groups,`), at most three of them; "" when none does.
 */
function claimedBy(policy: RolePolicy, grants: (role: string) => boolean): string {
  const names = Object.entries(policy.groups ?? {})
    .filter(([, role]) => grants(role))
    .map(([name]) => name);
  if (names.length === 0 || !policy.claims?.length) return "";
  const more = names.length > 3 ? ` (or ${names.length - 3} more)` : "";
  return `, or ${names.slice(0, 3).join(" or ")}${more} in ${policy.claims.map(claimPathText).join(" or ")},`;
}

/** A record's own entry: never one every object inherits ("constructor", "__proto__"). */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
