import { describe, expect, it } from "vitest";
import type { Offered } from "../src/auth-roles.js";
import { resourceOf } from "../src/resource-of.js";

const OFFERED: Offered[] = [
  { name: "read_table", kind: "tool", readOnly: true },
  { name: "schema", kind: "resource", readOnly: true, uri: "sqlite://schema" },
  { name: "table", kind: "resource", readOnly: true, uriTemplate: "sqlite://table/{name}" },
  { name: "file", kind: "resource", readOnly: true, uriTemplate: "file:///{+path}" },
];

describe("resourceOf", () => {
  it.each([
    ["sqlite://schema", "schema"],
    ["SQLITE://schema", "schema"],
    ["sqlite://table/notes", "table"],
    ["Sqlite://table/notes", "table"],
    ["sqlite://table/a%20b", "table"],
    ["file:///etc/passwd", "file"],
    ["file:///a/../b", "file"],
    ["sqlite://schema/", undefined],
    ["sqlite://table/", undefined],
    ["sqlite://stats", undefined],
    ["read_table", undefined],
    ["not a uri", undefined],
    ["", undefined],
  ])("names the resource %j reads: %j", (uri, name) => {
    expect(resourceOf(uri, OFFERED)).toBe(name);
  });

  it("prefers a fixed resource over a template that also matches, as the SDK does", () => {
    const offered: Offered[] = [
      { name: "any", kind: "resource", readOnly: true, uriTemplate: "sqlite://{what}" },
      { name: "schema", kind: "resource", readOnly: true, uri: "sqlite://schema" },
    ];
    expect(resourceOf("sqlite://schema", offered)).toBe("schema");
    expect(resourceOf("sqlite://stats", offered)).toBe("any");
  });
});
