import { flagNames, optionNames } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import {
  admitted,
  bodyWaitMessage,
  bytesToHold,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CONVERSIONS,
  resolveBudgets,
} from "../src/memory-budget.js";

describe("admitted", () => {
  it.each<[string, number, number, number[], number]>([
    ["nothing waiting", 10, 0, [], 0],
    ["one that fits an empty budget", 10, 0, [10], 1],
    ["all that fit, in order", 10, 2, [3, 3, 2], 3],
    ["up to the first that does not fit", 10, 2, [3, 6, 1], 1],
    ["none behind a large head, though they fit (first come, first served)", 10, 5, [6, 1, 1], 0],
    ["none when the budget is full", 10, 10, [1], 0],
    ["exactly the room left", 10, 7, [3], 1],
    ["one over the room left: none", 10, 7, [4], 0],
    ["one larger than the whole budget, when nothing is held", 10, 0, [25], 1],
    ["…and nothing after it", 10, 0, [25, 1], 1],
    ["one larger than the whole budget waits while anything is held", 10, 1, [25], 0],
    ["a turn of 1 in a budget of 2 conversions", 2, 1, [1, 1], 1],
  ])("%s", (_, limit, held, waiting, count) => {
    expect(admitted(limit, held, waiting)).toBe(count);
  });
});

describe("bytesToHold", () => {
  it.each<[string, number, string | undefined, boolean, number]>([
    ["no Content-Length: the most it may read", 1000, undefined, false, 1000],
    ["a Content-Length under the limit", 1000, "300", false, 300],
    ["a Content-Length over the limit: the limit", 1000, "5000", false, 1000],
    ["an empty body", 1000, "0", false, 0],
    ["a coded body: its decoded size is unknown", 1000, "300", true, 1000],
    ["a Content-Length that is no number", 1000, "3e2", false, 1000],
    ["a negative Content-Length", 1000, "-5", false, 1000],
    ["a list of lengths (a proxy's slip)", 1000, "300, 300", false, 1000],
    ["spaces around it", 1000, " 300 ", false, 300],
  ])("%s", (_, limit, length, coded, bytes) => {
    expect(bytesToHold(limit, length, coded)).toBe(bytes);
  });
});

describe("resolveBudgets", () => {
  const MiB = 1024 * 1024;
  it.each<[string, { maxBufferedBytes?: number; maxConversions?: number }, number, [number, number]]>([
    ["the defaults", {}, MiB, [DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_CONVERSIONS]],
    ["the bytes default rises to a larger response cap", {}, 64 * MiB, [64 * MiB, DEFAULT_MAX_CONVERSIONS]],
    ["a budget equal to the cap", { maxBufferedBytes: MiB }, MiB, [MiB, DEFAULT_MAX_CONVERSIONS]],
    ["one conversion at a time", { maxConversions: 1 }, MiB, [DEFAULT_MAX_BUFFERED_BYTES, 1]],
  ])("%s", (_, set, cap, [bytes, conversions]) => {
    expect(resolveBudgets(set, cap, optionNames)).toEqual({ maxBufferedBytes: bytes, maxConversions: conversions });
  });

  it.each<[string, { maxBufferedBytes?: number; maxConversions?: number }, string]>([
    [
      "a budget below the response cap",
      { maxBufferedBytes: 1000 },
      "maxBufferedBytes: 1000 is under maxResponseBytes: 1048576, the most one call reads: one call could never hold a whole body; raise the first to 1048576 or lower the second",
    ],
    ["no conversions at all", { maxConversions: 0 }, "maxConversions must be a whole number ≥ 1, got 0"],
    ["a fraction of a byte", { maxBufferedBytes: 2.5e6 + 0.5 }, "maxBufferedBytes must be a whole number"],
  ])("refuses %s, naming the setting", (_, set, message) => {
    expect(() => resolveBudgets(set, MiB, optionNames)).toThrow(RangeError);
    expect(() => resolveBudgets(set, MiB, optionNames)).toThrow(message);
  });
});

describe("bodyWaitMessage", () => {
  it("says what held the room and which settings would make way, in the bin's terms", () => {
    const names = flagNames({
      "max-buffered-bytes": { type: "string", env: "MCP_HTTP_MAX_BUFFERED_BYTES", valueName: "N", description: "" },
      "timeout-ms": { type: "string", env: "MCP_HTTP_TIMEOUT_MS", valueName: "MS", description: "" },
    });
    expect(
      bodyWaitMessage(
        "GET 127.0.0.1:8080",
        { ms: 30_000, bytes: 1000 },
        { limit: 4000, held: 3500, waiting: 2 },
        names,
      ),
    ).toBe(
      "timeout: GET 127.0.0.1:8080 waited 30000 ms for room to read its body (up to 1000 bytes) and got none: the other calls in flight held 3500 of the 4000 body bytes all calls may hold at once, set by --max-buffered-bytes N (MCP_HTTP_MAX_BUFFERED_BYTES), with 2 more waiting; try again once fewer calls run, or the server's operator can raise --max-buffered-bytes N (MCP_HTTP_MAX_BUFFERED_BYTES) or --timeout-ms MS (MCP_HTTP_TIMEOUT_MS)",
    );
  });
});
