// Roles from the groups or roles an identity provider puts in its tokens, as it models them per user: Okta's
// `groups`, Keycloak's `realm_access.roles` and `resource_access.<client>.roles`, Entra ID's `roles` (app roles of a
// user, beside `scp`), Auth0's namespaced `https://example.com/roles`. The policy file's `claims` says where to read
// names, its `groups` which role each name grants. They are not scopes: no client can ask the provider for one, so
// they are never advertised or named in a challenge. Pure: everything comes in as arguments.

/** Where a name is read in a token's claims: the claim, then each member inside it (`["realm_access", "roles"]`). */
export type ClaimPath = readonly string[];

/** Claims one policy may name. */
export const MAX_CLAIM_PATHS = 16;
/** Members one path may go through, the claim itself included. */
export const MAX_CLAIM_PATH_DEPTH = 8;
/** Names read from one claim: those past it in its list are not read. */
export const MAX_CLAIM_VALUES = 500;
/** The longest name read (and the longest a policy's `groups` may map): a longer one is not read at all. */
export const MAX_CLAIM_VALUE_LENGTH = 256;

/** A path as the policy writes it: dotted, or as its list of members when one holds a dot. */
export function claimPathText(path: ClaimPath): string {
  return path.some((member) => member.includes(".")) ? JSON.stringify(path) : path.join(".");
}

/**
 * The policy's `claims`: each a dotted path (`"realm_access.roles"`) or, for a claim whose name holds dots (Auth0's
 * `https://example.com/roles`), the list of its members (`["https://example.com/roles"]`). One line for a bad entry.
 */
export function parseClaimPaths(value: unknown, where: string): ClaimPath[] {
  const example = `a list of claims such as ["groups", "realm_access.roles", ["https://example.com/roles"]]`;
  if (!Array.isArray(value)) throw new Error(`${where}: "claims" must be ${example}`);
  if (value.length > MAX_CLAIM_PATHS)
    throw new Error(`${where}: "claims" names ${value.length} claims, more than the ${MAX_CLAIM_PATHS} allowed`);
  return value.map((entry) => {
    const path = typeof entry === "string" ? entry.split(".") : entry;
    const shown = JSON.stringify(entry);
    if (!Array.isArray(path) || path.length === 0 || !path.every((m) => typeof m === "string" && m.length > 0))
      throw new Error(`${where}: claim ${shown} is not a claim name; "claims" must be ${example}`);
    // A URL-named claim (Auth0's namespaced ones), which dots would split.
    if (typeof entry === "string" && path.length > 1 && entry.includes("/")) {
      throw new Error(
        `${where}: claim ${shown} would be read as the path ${path.join(" → ")}; write a claim whose name holds dots as the list of its members: [${shown}]`,
      );
    }
    if (path.length > MAX_CLAIM_PATH_DEPTH)
      throw new Error(
        `${where}: claim ${shown} goes ${path.length} deep, more than the ${MAX_CLAIM_PATH_DEPTH} allowed`,
      );
    return [...path] as string[];
  });
}

/**
 * The policy's `groups`: each name a token's `claims` may hold, and the role it grants (`isRole` says which exist).
 * Without `claims` no name is ever read, so a `groups` alone, or `claims` alone, is refused as half a setting.
 */
export function parseGroups(
  value: unknown,
  claims: readonly ClaimPath[],
  isRole: (role: string) => boolean,
  where: string,
): Record<string, string> {
  if (value === undefined) {
    if (claims.length > 0)
      throw new Error(`${where}: "claims" says where names are read, but no "groups" maps a name to a role`);
    return {};
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${where}: "groups" must be an object of names and the roles they grant, {"mcp-admins": "writer"}`);
  if (claims.length === 0) {
    throw new Error(
      `${where}: "groups" maps names no claim is read for; add "claims" naming where the token carries them (["groups"])`,
    );
  }
  const entries = Object.entries(value);
  for (const [name, role] of entries) {
    if (name.length === 0 || name.length > MAX_CLAIM_VALUE_LENGTH)
      throw new Error(`${where}: group "${name.slice(0, 40)}" must be 1 to ${MAX_CLAIM_VALUE_LENGTH} characters`);
    if (typeof role !== "string" || !isRole(role))
      throw new Error(`${where}: group "${name}" grants role "${String(role)}", which is not defined`);
  }
  // fromEntries keeps a name like "__proto__" as a name, not the object's prototype.
  return Object.fromEntries(entries) as Record<string, string>;
}

/**
 * The names a token's claims hold at these paths: a string is one name (group names may hold spaces), a list gives
 * its strings, at most MAX_CLAIM_VALUES of each, none longer than MAX_CLAIM_VALUE_LENGTH. Only a claim's own members
 * are followed, never what every object inherits.
 */
export function namesInClaims(claims: Readonly<Record<string, unknown>>, paths: readonly ClaimPath[]): Set<string> {
  const names = new Set<string>();
  for (const path of paths) {
    let value: unknown = claims;
    for (const member of path) {
      const holder = value as Record<string, unknown>;
      value =
        typeof holder === "object" && holder !== null && !Array.isArray(holder) && Object.hasOwn(holder, member)
          ? holder[member]
          : undefined;
    }
    const listed = typeof value === "string" ? [value] : Array.isArray(value) ? value.slice(0, MAX_CLAIM_VALUES) : [];
    for (const name of listed) {
      if (typeof name === "string" && name.length > 0 && name.length <= MAX_CLAIM_VALUE_LENGTH) names.add(name);
    }
  }
  return names;
}

/** The roles these names grant through the policy's `groups`; a name it does not map grants nothing. */
export function rolesForGroups(names: Iterable<string>, groups: Readonly<Record<string, string>>): Set<string> {
  const granted = new Set<string>();
  for (const name of names) if (Object.hasOwn(groups, name)) granted.add(groups[name] as string);
  return granted;
}
