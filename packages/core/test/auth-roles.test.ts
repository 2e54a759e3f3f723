import { describe, expect, it } from "vitest";
import {
  advertisedScopes,
  allowedNames,
  challengeScope,
  checkScrape,
  checkUse,
  EMPTY_POLICY,
  noGrantReason,
  type Offered,
  parsePolicy,
  rolesForScopes,
} from "../src/auth-roles.js";

const SQLITE: Offered[] = [
  { name: "execute_query", kind: "tool", readOnly: true },
  { name: "list_tables", kind: "tool", readOnly: true },
  { name: "describe_table", kind: "tool", readOnly: true },
  { name: "execute_write", kind: "tool", readOnly: false },
  { name: "execute_transaction", kind: "tool", readOnly: false },
  { name: "schema", kind: "resource", readOnly: true },
];

const POLICY = parsePolicy(
  JSON.stringify({
    roles: { analyst: ["execute_query", "list_tables", "describe_table"], loader: ["execute_write"] },
    scopes: { "mcp:analyst": "analyst", "db:load": "loader", "db:admin": "writer", "prom:scrape": "metrics" },
  }),
);

describe("rolesForScopes", () => {
  it.each([
    [["mcp:read"], ["reader"]],
    [["mcp:write"], ["writer"]],
    [
      ["mcp:read", "mcp:write"],
      ["reader", "writer"],
    ],
    [["mcp:analyst"], ["analyst"]],
    [["db:admin"], ["writer"]],
    [["mcp:metrics"], ["metrics"]],
    [["prom:scrape"], ["metrics"]],
    [["openid", "profile", "mcp:reader"], []],
    [[], []],
    [["MCP:READ"], []],
  ])("%j → %j", (scopes, roles) => {
    expect([...rolesForScopes(scopes, POLICY)].sort()).toEqual(roles);
  });
});

describe("allowedNames", () => {
  it.each([
    [["reader"], ["describe_table", "execute_query", "list_tables", "schema"]],
    [["writer"], SQLITE.map((o) => o.name).sort()],
    [["analyst"], ["describe_table", "execute_query", "list_tables"]],
    [["loader"], ["execute_write"]],
    [
      ["analyst", "loader"],
      ["describe_table", "execute_query", "execute_write", "list_tables"],
    ],
    [["nobody"], []],
    [["metrics"], []],
    [[], []],
  ])("%j may use %j", (roles, names) => {
    expect([...allowedNames(new Set(roles), SQLITE, POLICY)].sort()).toEqual(names);
  });
});

describe("checkUse", () => {
  it.each([
    ["execute_query", ["reader"], true],
    ["execute_write", ["reader"], false],
    ["execute_write", ["writer"], true],
    ["execute_transaction", ["loader"], false],
    ["execute_write", ["loader"], true],
    ["no_such_tool", [], true],
  ])("%s by %j → allowed %s", (name, roles, ok) => {
    expect(checkUse(name, new Set(roles), SQLITE, POLICY).ok).toBe(ok);
  });

  it("names the scopes that would grant a refused tool, built-in first", () => {
    expect(checkUse("execute_write", new Set(["reader"]), SQLITE, POLICY)).toEqual({
      ok: false,
      reason:
        "tool execute_write is not in the caller's roles (reader); a token with scope mcp:write or db:load or db:admin may use it",
      scopes: ["mcp:write", "db:load", "db:admin"],
    });
    expect(checkUse("execute_query", new Set(), SQLITE, EMPTY_POLICY)).toMatchObject({
      ok: false,
      scopes: ["mcp:read"],
    });
  });

  it("names the roles that would grant it to a named token, whose roles come from the tokens file", () => {
    expect(checkUse("execute_write", new Set(["reader"]), SQLITE, POLICY, "role")).toMatchObject({
      reason:
        "tool execute_write is not in the caller's roles (reader); a token with role writer or loader (in the tokens file) may use it",
    });
  });
});

describe("checkScrape", () => {
  it.each([
    [["metrics"], true],
    [["writer"], true],
    [["reader", "metrics"], true],
    [["reader"], false],
    [["analyst", "loader"], false],
    [[], false],
  ])("%j may read /metrics: %s", (roles, ok) => {
    expect(checkScrape(new Set(roles), POLICY).ok).toBe(ok);
  });

  it("names the scopes that would grant it, the built-in one first", () => {
    expect(checkScrape(new Set(["reader"]), POLICY)).toEqual({
      ok: false,
      reason:
        "GET /metrics needs the metrics or writer role, not the caller's (reader); a token with scope mcp:metrics or db:admin or prom:scrape may read it",
      scopes: ["mcp:metrics", "db:admin", "prom:scrape"],
    });
    expect(checkScrape(new Set(), EMPTY_POLICY)).toMatchObject({ ok: false, scopes: ["mcp:metrics"] });
  });

  it("names the role, not scopes, to a named token, whose roles the tokens file gives", () => {
    expect(checkScrape(new Set(["reader"]), POLICY, "role")).toMatchObject({
      ok: false,
      reason:
        "GET /metrics needs the metrics or writer role, not the caller's (reader); a token with role metrics (in the tokens file) may read it",
    });
  });
});

describe("noGrantReason", () => {
  const WRITE_ONLY: Offered[] = [{ name: "execute_write", kind: "tool", readOnly: false }];
  it.each<[string, string[] | undefined, string[], Offered[], string | undefined]>([
    ["a reader", ["mcp:read"], ["reader"], SQLITE, undefined],
    [
      "scopes that map to no role",
      ["openid", "profile"],
      [],
      SQLITE,
      "the token's scopes (openid, profile) grant no role here, so it is offered no tools, prompts or resources; a token with scope mcp:read or mcp:write or mcp:analyst or db:load or db:admin would be",
    ],
    [
      "no scope at all",
      [],
      [],
      WRITE_ONLY,
      "the token carries no scope, so it is offered no tools, prompts or resources; a token with scope mcp:write or db:load or db:admin would be",
    ],
    [
      "only the metrics scope",
      ["mcp:metrics"],
      ["metrics"],
      WRITE_ONLY,
      "the token's roles (metrics) cover nothing this server offers, so it is offered no tools, prompts or resources; a token with role writer or loader would be",
    ],
    [
      "a named token whose role covers nothing",
      undefined,
      ["analyst"],
      WRITE_ONLY,
      "the token's roles (analyst) cover nothing this server offers, so it is offered no tools, prompts or resources; a token with role writer or loader would be",
    ],
  ])("%s", (_, scopes, roles, offered, reason) => {
    expect(noGrantReason(scopes, new Set(roles), offered, POLICY)).toBe(reason);
  });
});

describe("parsePolicy", () => {
  it.each([
    ["not JSON", "{roles", /not valid JSON/],
    ["an array", "[]", /must be a JSON object/],
    ["an unknown key", '{"roles": {}, "users": {}}', /unknown key "users"/],
    ["a built-in role redefined", '{"roles": {"reader": ["execute_write"]}}', /"reader" is built in/],
    ["the metrics role redefined", '{"roles": {"metrics": ["execute_query"]}}', /"metrics" is built in/],
    ["a role that is not a list", '{"roles": {"a": "execute_query"}}', /role "a" must be a list/],
    ["an empty name", '{"roles": {"a": [""]}}', /role "a" must be a list/],
    [
      "a scope for an undefined role",
      '{"roles": {}, "scopes": {"x": "ghost"}}',
      /grants role "ghost", which is not defined/,
    ],
    [
      "a built-in scope granting another role",
      '{"roles": {"analyst": ["list_tables"]}, "scopes": {"mcp:read": "analyst"}}',
      /scope "mcp:read" is built in and always grants role "reader"; give role "analyst" a scope of its own/,
    ],
    ["a built-in scope granting writer", '{"scopes": {"mcp:read": "writer"}}', /"mcp:read" is built in/],
    ["a scope with a space", '{"roles": {"a": ["t"]}, "scopes": {"a b": "a"}}', /not a valid OAuth scope/],
    ["roles that are not an object", '{"roles": ["a"]}', /"roles" must be an object/],
  ])("refuses %s in one line", (_, text, message) => {
    expect(() => parsePolicy(text)).toThrow(message);
  });

  it("reads the documented example", () => {
    expect(
      parsePolicy(
        '{"roles": {"analyst": ["execute_query", "list_tables", "describe_table"]}, "scopes": {"mcp:analyst": "analyst"}}',
      ),
    ).toEqual({
      roles: { analyst: ["execute_query", "list_tables", "describe_table"] },
      scopes: { "mcp:analyst": "analyst" },
      claims: [],
      groups: {},
    });
  });

  it("reads the claims a token's groups and roles are in, and the roles their names grant", () => {
    const policy = parsePolicy(
      JSON.stringify({
        roles: { analyst: ["execute_query"] },
        claims: ["realm_access.roles", ["https://example.com/roles"]],
        groups: { "mcp-admin": "writer", analysts: "analyst" },
      }),
      "policy.json",
    );
    expect(policy).toMatchObject({
      claims: [["realm_access", "roles"], ["https://example.com/roles"]],
      groups: { "mcp-admin": "writer", analysts: "analyst" },
    });
    expect(() => parsePolicy('{"claims": ["groups"], "groups": {"x": "ghost"}}', "policy.json")).toThrow(
      /^policy.json: group "x" grants role "ghost", which is not defined$/,
    );
    expect(() => parsePolicy('{"claims": "groups", "groups": {}}', "policy.json")).toThrow(
      /^policy.json: "claims" must be a list of claims/,
    );
  });
});

describe("a policy's groups", () => {
  const GROUPS = parsePolicy(
    JSON.stringify({
      roles: { loader: ["execute_write"] },
      scopes: { "MCP.Read": "reader" },
      claims: ["groups"],
      groups: { "mcp-admins": "writer", loaders: "loader", scrapers: "metrics" },
    }),
  );

  it("are never advertised, nor named in a challenge: no client can ask the provider for a group", () => {
    // Nor mcp:write, whose role comes with a group: no client is invited to ask for what only some users may have.
    expect(advertisedScopes(GROUPS)).toEqual(["MCP.Read"]);
    const both = parsePolicy('{"claims": ["groups"], "groups": {"admins": "writer", "users": "reader"}}');
    expect(advertisedScopes(both)).toEqual([]);
    // Groups that are never read (no claims, as a library may build a policy) change nothing.
    expect(advertisedScopes({ roles: {}, scopes: {}, groups: { admins: "writer" } })).toEqual([
      "mcp:read",
      "mcp:write",
    ]);
    const refused = checkUse("execute_write", new Set(["reader"]), SQLITE, GROUPS);
    expect(refused).toEqual({
      ok: false,
      reason:
        "tool execute_write is not in the caller's roles (reader); a token with scope mcp:write, or mcp-admins or loaders in groups, may use it",
      scopes: ["mcp:write"],
    });
    expect(checkScrape(new Set(), GROUPS)).toMatchObject({
      reason: expect.stringMatching(
        /a token with scope mcp:metrics, or mcp-admins or scrapers in groups, may read it$/,
      ),
      scopes: ["mcp:metrics"],
    });
  });

  it("are named to a caller offered nothing, with the claims read", () => {
    expect(noGrantReason(["openid"], new Set(), SQLITE, GROUPS)).toBe(
      "the token's scopes (openid) grant no role here, nor do the names in its groups, so it is offered no tools, prompts or resources; a token with scope mcp:read or mcp:write or MCP.Read, or mcp-admins or loaders in groups, would be",
    );
    expect(noGrantReason([], new Set(), SQLITE, GROUPS)).toMatch(
      /^the token carries no scope, and the names in its groups grant no role here, so it is offered no tools/,
    );
  });
});

describe("advertisedScopes and challengeScope", () => {
  const policy = (scopes: Record<string, string>) => parsePolicy(JSON.stringify({ roles: {}, scopes }));
  it.each([
    ["no policy", {}, ["mcp:read", "mcp:write"]],
    ["Entra names for both roles", { "MCP.Read": "reader", "MCP.Write": "writer" }, ["MCP.Read", "MCP.Write"]],
    ["a name for the reader only", { "MCP.Read": "reader" }, ["mcp:write", "MCP.Read"]],
    ["a built-in name for its own role changes nothing", { "mcp:read": "reader" }, ["mcp:read", "mcp:write"]],
    ["a scraper's scope is never advertised", { "prom:scrape": "metrics" }, ["mcp:read", "mcp:write"]],
  ])("%s", (_, scopes, advertised) => {
    expect(advertisedScopes(policy(scopes))).toEqual(advertised);
  });

  it("custom roles' scopes are advertised, and db:admin stands in for mcp:write", () => {
    expect(advertisedScopes(POLICY)).toEqual(["mcp:read", "mcp:analyst", "db:load", "db:admin"]);
  });

  it.each([
    [["mcp:write", "MCP.Write"], { "MCP.Write": "writer" }, "MCP.Write"],
    [["mcp:write", "MCP.Write"], {}, "mcp:write"],
    [["mcp:metrics", "prom:scrape"], { "prom:scrape": "metrics" }, "mcp:metrics"],
    [[], {}, undefined],
  ])("challenge for %j with %j → %s", (needed, scopes, expected) => {
    expect(challengeScope(needed, policy(scopes))).toBe(expected);
  });
});
