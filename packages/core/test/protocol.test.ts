import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import {
  isServedProtocolVersion,
  LATEST_LEGACY_PROTOCOL_VERSION,
  LEGACY_PROTOCOL_VERSIONS,
  SERVED_PROTOCOL_VERSIONS,
} from "../src/protocol.js";

describe("protocol revisions", () => {
  it("are the ones the SDK serves: 2026-07-28 and its 2025-era list, newest first", () => {
    expect(LEGACY_PROTOCOL_VERSIONS).toEqual(SUPPORTED_PROTOCOL_VERSIONS);
    expect(LATEST_LEGACY_PROTOCOL_VERSION).toBe(SUPPORTED_PROTOCOL_VERSIONS[0]);
    expect(SERVED_PROTOCOL_VERSIONS.slice(0, 3)).toEqual(["2026-07-28", "2025-11-25", "2025-06-18"]);
  });

  it.each([
    ["2026-07-28", true],
    ["2025-11-25", true],
    ["2025-06-18", true],
    ["2025-03-26", true],
    ["2027-01-01", false],
    ["2025-11-25 ", false],
    ["", false],
  ])("%j served: %s", (version, served) => {
    expect(isServedProtocolVersion(version)).toBe(served);
  });
});
