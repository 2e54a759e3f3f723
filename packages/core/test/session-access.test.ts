import type { AuthInfo } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import type { Caller } from "../src/caller.js";
import { type SessionOwner, sessionRefusal } from "../src/session-access.js";

const token = (id: string, roles: string[], allowed?: string[]): AuthInfo => {
  const caller: Caller = { id, roles: new Set(roles) };
  return { token: "t", clientId: "", scopes: [], extra: { caller, ...(allowed ? { allowed: new Set(allowed) } : {}) } };
};
const owner: SessionOwner = { callerId: "ci", allowed: new Set(["read_notes"]), roles: ["reader"] };

describe("sessionRefusal", () => {
  it.each<[string, AuthInfo | undefined, ReturnType<typeof sessionRefusal>]>([
    ["its own caller, allowed the same", token("ci", ["reader"], ["read_notes"]), undefined],
    [
      "another caller",
      token("ops", ["reader"], ["read_notes"]),
      { status: 403, code: -32000, message: "Forbidden: this session belongs to another caller", ended: false },
    ],
    [
      "no caller",
      undefined,
      { status: 403, code: -32000, message: "Forbidden: this session belongs to another caller", ended: false },
    ],
    [
      "its caller with a step-up token",
      token("ci", ["writer", "reader"], ["read_notes", "add_note"]),
      {
        status: 404,
        code: -32001,
        message:
          "Session ended: it was opened with the roles reader and this request's token has reader, writer; a session offers what its roles allowed when it opened, so initialize again",
        ended: true,
      },
    ],
    [
      "its caller, whose roles now grant nothing",
      token("ci", [], []),
      {
        status: 404,
        code: -32001,
        message:
          "Session ended: it was opened with the roles reader and this request's token has (none); a session offers what its roles allowed when it opened, so initialize again",
        ended: true,
      },
    ],
    [
      "its caller with the same role, which the re-read policy narrowed",
      token("ci", ["reader"], []),
      {
        status: 404,
        code: -32001,
        message:
          "Session ended: what the roles reader allow changed since it was opened (the policy was re-read); a session offers what its roles allowed when it opened, so initialize again",
        ended: true,
      },
    ],
  ])("%s", (_, authInfo, expected) => {
    expect(sessionRefusal(owner, authInfo)).toEqual(expected);
  });
});
