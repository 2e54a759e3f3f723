import { describe, expect, it } from "vitest";
import { type Caller, holderOf } from "../src/caller.js";

const named: Caller = { id: "ci", tokenName: "ci", roles: new Set(["reader"]) };
const oauth: Caller = { id: "user-1", sub: "user-1", clientId: "app", roles: new Set(["writer"]) };
const shared: Caller = { id: "MCP_AUTH_TOKEN", tokenName: "MCP_AUTH_TOKEN", roles: new Set(["writer"]), shared: true };

describe("holderOf", () => {
  it.each<[string, Caller | undefined, string | undefined, string]>([
    ["a named token, whatever its address", named, "10.0.0.1", "ci"],
    ["the same named token from elsewhere", named, "::1", "ci"],
    ["an OAuth subject", oauth, "127.0.0.1", "user-1"],
    ["a shared token, per address", shared, "127.0.0.1", "MCP_AUTH_TOKEN from 127.0.0.1"],
    ["a shared token from another address", shared, "::1", "MCP_AUTH_TOKEN from ::1"],
    ["a shared token with no address known", shared, undefined, "MCP_AUTH_TOKEN from unknown"],
    ["no caller", undefined, "127.0.0.1", "address 127.0.0.1"],
  ])("%s", (_, caller, address, holder) => {
    expect(holderOf(caller, address)).toBe(holder);
  });
});
