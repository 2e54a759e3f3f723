import { describe, expect, it } from "vitest";
import { createLogger, isLogFormat, isLogLevel, logLine } from "../src/logger.js";

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

  it("writes one JSON object a line in the json format: time (ISO, UTC), level, logger, message", () => {
    const lines: string[] = [];
    const log = createLogger("mcp-sqlite", "info", (line) => lines.push(line), "json");
    log.debug("hidden");
    log.warn('a "quoted" message\nover two lines');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith("}\n")).toBe(true);
    expect(lines[0]?.split("\n")).toHaveLength(2);
    const line = JSON.parse(lines[0] as string);
    expect(line).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: "warn",
      logger: "mcp-sqlite",
      message: 'a "quoted" message\nover two lines',
    });
    // Outside a traced span (and with tracing off) there are no trace ids.
    expect(line).not.toHaveProperty("trace_id");
  });

  it("formats a line at a given time", () => {
    const at = new Date("2026-12-04T05:30:00.250Z");
    expect(logLine("text", "srv", "error", "boom", at)).toBe("[srv] error: boom\n");
    // A client's text cannot forge an entry, clear the screen or overwrite the line it is on.
    expect(logLine("text", "srv", "info", "client root x\n[srv] error: forged\r\n\u001b[2J\ttab\u202e", at)).toBe(
      "[srv] info: client root x\n  [srv] error: forged\n  \\u001b[2J\ttab\\u202e\n",
    );
    expect(logLine("json", "srv", "error", "boom", at)).toBe(
      '{"time":"2026-12-04T05:30:00.250Z","level":"error","logger":"srv","message":"boom"}\n',
    );
  });

  it.each([
    ["text", true],
    ["json", true],
    ["JSON", false],
    ["logfmt", false],
  ])("isLogFormat(%j) is %s", (value, expected) => {
    expect(isLogFormat(value)).toBe(expected);
  });
});
