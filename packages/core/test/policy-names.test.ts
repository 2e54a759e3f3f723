import { describe, expect, it } from "vitest";
import { type Offered, parsePolicy } from "../src/auth-roles.js";
import { misspeltPolicyName } from "../src/policy-names.js";

const SQLITE: Offered[] = [
  { name: "execute_query", kind: "tool", readOnly: true },
  { name: "list_tables", kind: "tool", readOnly: true },
  { name: "describe_table", kind: "tool", readOnly: true },
  { name: "execute_write", kind: "tool", readOnly: false },
  { name: "explore-database", kind: "prompt", readOnly: true },
];
const policy = (names: string[]) => parsePolicy(JSON.stringify({ roles: { analyst: names } }));

describe("misspeltPolicyName", () => {
  it.each([
    [["list_tabels"], "list_tables"],
    [["execute_query", "describe_tabel"], "describe_table"],
    [["List_Tables"], "list_tables"],
    [["explore_database"], "explore-database"],
    [["execute_writes"], "execute_write"],
  ])("refuses %j, naming %s and what the server offers", (names, meant) => {
    expect(misspeltPolicyName(policy(names), SQLITE)).toBe(
      `role "analyst" lists "${names.at(-1)}", which this server does not offer; did you mean "${meant}"? It offers execute_query, list_tables, describe_table, execute_write, explore-database`,
    );
  });

  it.each([
    ["names the server offers", ["execute_query", "list_tables", "explore-database"]],
    ["another server's tools, far from these", ["read_file", "http_get", "write_file"]],
    ["no names", []],
  ])("lets through %s", (_, names) => {
    expect(misspeltPolicyName(policy(names), SQLITE)).toBeUndefined();
  });

  it("checks every role", () => {
    const two = parsePolicy(JSON.stringify({ roles: { ok: ["list_tables"], loader: ["execute_wrte"] } }));
    expect(misspeltPolicyName(two, SQLITE)).toMatch(
      /^role "loader" lists "execute_wrte".*did you mean "execute_write"\?/,
    );
  });
});
