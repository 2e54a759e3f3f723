import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/resolve-config.js";

describe("the audit log's file", () => {
  it.each([
    [
      { audit: "mcp.json" },
      "--audit mcp.json is the servers file ./mcp.json: the audit log would write into it; give another file",
    ],
    [{ audit: "workspace/data.db-wal" }, "--audit workspace/data.db-wal is the db server's /p/workspace/data.db-wal"],
  ])("rejects %j", (flags, message) => {
    expect(() => resolveConfig(flags, [], {}, "/p")).toThrow(message);
  });
});
