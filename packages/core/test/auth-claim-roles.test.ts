import { describe, expect, it } from "vitest";
import {
  type ClaimPath,
  claimPathText,
  MAX_CLAIM_PATHS,
  MAX_CLAIM_VALUE_LENGTH,
  MAX_CLAIM_VALUES,
  namesInClaims,
  parseClaimPaths,
  parseGroups,
  rolesForGroups,
} from "../src/auth-claim-roles.js";

/** Claims as each provider issues them, for one user. */
const KEYCLOAK = {
  realm_access: { roles: ["offline_access", "mcp-admin"] },
  resource_access: { "mcp-server": { roles: ["analyst"] }, "mcp.legacy": { roles: ["loader"] } },
};
const OKTA = { scp: ["mcp:read"], groups: ["Everyone", "MCP Admins"] };
const ENTRA = { scp: "user_impersonation", roles: ["MCP.Write"] };
const AUTH0 = { scope: "openid", "https://example.com/roles": ["mcp-admin"] };

describe("parseClaimPaths", () => {
  it.each<[unknown, ClaimPath[]]>([
    [["groups"], [["groups"]]],
    [
      ["realm_access.roles", "resource_access.mcp-server.roles"],
      [
        ["realm_access", "roles"],
        ["resource_access", "mcp-server", "roles"],
      ],
    ],
    [[["https://example.com/roles"]], [["https://example.com/roles"]]],
    [[["resource_access", "mcp.legacy", "roles"]], [["resource_access", "mcp.legacy", "roles"]]],
    [[], []],
  ])("%j → %j", (value, paths) => {
    expect(parseClaimPaths(value, "policy.json")).toEqual(paths);
  });

  it.each<[string, unknown, RegExp]>([
    ["not a list", "groups", /^policy.json: "claims" must be a list of claims such as \["groups", /],
    ["an empty name", [""], /claim "" is not a claim name/],
    ["an empty member", ["realm_access..roles"], /claim "realm_access..roles" is not a claim name/],
    ["a trailing dot", ["groups."], /claim "groups." is not a claim name/],
    ["a number", [7], /claim 7 is not a claim name/],
    ["an empty list", [[]], /claim \[\] is not a claim name/],
    ["a list holding a number", [["groups", 1]], /claim \["groups",1\] is not a claim name/],
    [
      "a URL-named claim written dotted",
      ["https://example.com/roles"],
      /claim "https:\/\/example.com\/roles" would be read as the path https:\/\/example → com\/roles; write a claim whose name holds dots as the list of its members: \["https:\/\/example.com\/roles"\]$/,
    ],
    ["too many claims", Array.from({ length: MAX_CLAIM_PATHS + 1 }, (_, i) => `c${i}`), /names 17 claims, more than/],
    ["too deep", ["a.b.c.d.e.f.g.h.i"], /goes 9 deep, more than the 8 allowed/],
  ])("refuses %s in one line", (_, value, message) => {
    expect(() => parseClaimPaths(value, "policy.json")).toThrow(message);
  });

  it("writes a path back as the policy would", () => {
    expect(claimPathText(["realm_access", "roles"])).toBe("realm_access.roles");
    expect(claimPathText(["https://example.com/roles"])).toBe('["https://example.com/roles"]');
  });
});

describe("parseGroups", () => {
  const isRole = (role: string) => ["reader", "writer", "analyst"].includes(role);
  it.each<[string, unknown, ClaimPath[], RegExp]>([
    ["claims without groups", undefined, [["groups"]], /"claims" says where names are read, but no "groups" maps/],
    ["groups without claims", { admins: "writer" }, [], /"groups" maps names no claim is read for; add "claims"/],
    ["groups that are a list", ["admins"], [["groups"]], /"groups" must be an object of names and the roles/],
    ["an undefined role", { admins: "root" }, [["groups"]], /group "admins" grants role "root", which is not defined/],
    ["a role that is not a name", { admins: ["writer"] }, [["groups"]], /grants role "writer", which is not defined/],
    ["an empty name", { "": "reader" }, [["groups"]], /group "" must be 1 to 256 characters/],
    ["too long a name", { ["g".repeat(257)]: "reader" }, [["groups"]], /must be 1 to 256 characters/],
  ])("refuses %s in one line", (_, value, claims, message) => {
    expect(() => parseGroups(value, claims, isRole, "policy.json")).toThrow(message);
  });

  it("keeps a name like __proto__ as a name", () => {
    const groups = parseGroups(JSON.parse('{"__proto__": "writer"}'), [["groups"]], isRole, "p");
    expect(Object.keys(groups)).toEqual(["__proto__"]);
    expect([...rolesForGroups(["__proto__"], groups)]).toEqual(["writer"]);
    expect([...rolesForGroups(["constructor", "toString"], groups)]).toEqual([]);
  });
});

describe("namesInClaims", () => {
  it.each<[string, Record<string, unknown>, string[], string[]]>([
    ["Keycloak realm roles", KEYCLOAK, ["realm_access.roles"], ["offline_access", "mcp-admin"]],
    ["Keycloak client roles", KEYCLOAK, ["resource_access.mcp-server.roles"], ["analyst"]],
    ["Okta groups, spaces kept", OKTA, ["groups"], ["Everyone", "MCP Admins"]],
    ["Entra app roles beside scp", ENTRA, ["roles"], ["MCP.Write"]],
    ["a single string is one name, never split", { groups: "MCP Admins" }, ["groups"], ["MCP Admins"]],
    ["a claim that is absent", OKTA, ["realm_access.roles"], []],
    ["a path through a list", { groups: [{ name: "x" }] }, ["groups.name"], []],
    ["a path past a string", { groups: "admins" }, ["groups.length"], []],
    ["only strings of a list", { groups: ["a", 7, null, { b: 1 }, ["c"], ""] }, ["groups"], ["a"]],
    ["an object is no name", { realm_access: { roles: { admin: true } } }, ["realm_access.roles"], []],
    ["never an inherited member", { groups: [] }, ["constructor.name", "__proto__.x", "toString"], []],
    ["several claims together", { ...OKTA, ...ENTRA }, ["groups", "roles"], ["Everyone", "MCP Admins", "MCP.Write"]],
  ])("%s", (_, claims, paths, names) => {
    expect([...namesInClaims(claims, parseClaimPaths(paths, "p"))]).toEqual(names);
  });

  it("reads a URL-named claim, and a client whose name holds a dot, by their members", () => {
    expect([...namesInClaims(AUTH0, [["https://example.com/roles"]])]).toEqual(["mcp-admin"]);
    expect([...namesInClaims(KEYCLOAK, [["resource_access", "mcp.legacy", "roles"]])]).toEqual(["loader"]);
  });

  it(`reads at most ${MAX_CLAIM_VALUES} names of a claim, and none longer than ${MAX_CLAIM_VALUE_LENGTH} characters`, () => {
    const many = Array.from({ length: MAX_CLAIM_VALUES + 1 }, (_, i) => `g${i}`);
    const names = namesInClaims({ groups: many }, [["groups"]]);
    expect(names.size).toBe(MAX_CLAIM_VALUES);
    expect(names.has(`g${MAX_CLAIM_VALUES - 1}`)).toBe(true);
    expect(names.has(`g${MAX_CLAIM_VALUES}`)).toBe(false);
    const long = "a".repeat(MAX_CLAIM_VALUE_LENGTH);
    expect([...namesInClaims({ groups: [long, `${long}b`] }, [["groups"]])]).toEqual([long]);
  });
});

describe("rolesForGroups", () => {
  const groups = { "mcp-admin": "writer", "MCP Admins": "writer", analyst: "analyst" };
  it.each<[string[], string[]]>([
    [["mcp-admin"], ["writer"]],
    [
      ["analyst", "MCP Admins"],
      ["analyst", "writer"],
    ],
    [["MCP ADMINS", "mcp-admin "], []],
    // A name is not a scope: a group named like one grants nothing the groups do not map.
    [["mcp:write", "mcp:read"], []],
    [[], []],
  ])("%j → %j", (names, roles) => {
    expect([...rolesForGroups(names, groups)].sort()).toEqual(roles);
  });
});
