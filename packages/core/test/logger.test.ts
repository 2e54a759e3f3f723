import { describe, expect, it } from "vitest";
import { createLogger, isLogLevel } from "../src/logger.js";

describe("createLogger", () => {
  it("writes lines at or above its level, tagged with the name", () => {
    const lines: string[] = [];
    const log = createLogger("srv", "warn", (line) => lines.push(line));
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(lines).toEqual(["[srv] warn: w\n", "[srv] error: e\n"]);
  });

  it("writes nothing when silent", () => {
    const lines: string[] = [];
    const log = createLogger("srv", "silent", (line) => lines.push(line));
    log.error("e");
    expect(lines).toEqual([]);
  });

  it.each([
    ["debug", true],
    ["silent", true],
    ["verbose", false],
    ["", false],
  ])("isLogLevel(%j) is %s", (value, expected) => {
    expect(isLogLevel(value)).toBe(expected);
  });
});
