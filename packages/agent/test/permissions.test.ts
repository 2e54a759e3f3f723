import { describe, expect, it } from "vitest";
import { consentQuestion, isOffered, isYes, needsConsent, type PermissionMode } from "../src/permissions.js";

const ro = { annotations: { readOnlyHint: true } };
const rw = { annotations: { readOnlyHint: false } };
const unannotated = {};

describe("permissions", () => {
  it.each<[string, object, PermissionMode, boolean, boolean]>([
    ["read-only tool, default", ro, "all", true, false],
    ["writing tool, default", rw, "all", true, false],
    ["read-only tool, --read-only", ro, "read-only", true, false],
    ["writing tool, --read-only", rw, "read-only", false, false],
    ["unannotated tool, --read-only", unannotated, "read-only", false, false],
    ["read-only tool, --ask", ro, "ask", true, false],
    ["writing tool, --ask", rw, "ask", true, true],
    ["unannotated tool, --ask", unannotated, "ask", true, true],
  ])("%s: offered %s, asks %s", (_label, tool, mode, offered, asks) => {
    expect(isOffered(tool, mode)).toBe(offered);
    expect(needsConsent(tool, mode)).toBe(asks);
  });

  it.each([
    ["y", true],
    ["Yes", true],
    [" y ", true],
    ["n", false],
    ["", false],
    ["yep", false],
  ])("isYes(%j) = %s", (answer, yes) => {
    expect(isYes(answer)).toBe(yes);
  });

  it("shows declared arguments first and clips every value, so padding cannot hide the path", () => {
    const schema = { type: "object", properties: { path: {}, content: {} } };
    const q = consentQuestion(
      "file__write_file",
      { padding: "x".repeat(5000), content: "y".repeat(300), path: "../../.bashrc" },
      schema,
    );
    expect(q.startsWith('file__write_file {"path":"../../.bashrc","content":"yyy')).toBe(true);
    expect(q).toContain("… (300 chars)");
    expect(q).toContain("… (5000 chars)");
    expect(q.length).toBeLessThan(600);
    expect(consentQuestion("t", { text: "x" }, undefined)).toBe('t {"text":"x"}');
  });
});
