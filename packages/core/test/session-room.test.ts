import { describe, expect, it } from "vitest";
import { SESSION_DEFAULTS } from "../src/http-options.js";
import { SERVER_OPTIONS } from "../src/server-flags.js";
import { MAKE_ROOM_IDLE_MS, noRoom, type Occupant, roomFor } from "../src/session-room.js";
import { flagNames, optionNames } from "../src/setting-names.js";

const NOW = 1_000_000;
const at = (holder: string, idleMs: number, active = 0): Occupant => ({ holder, active, lastSeen: NOW - idleMs });

describe("roomFor", () => {
  it.each<[string, [string, Occupant][], string | undefined, string | undefined]>([
    ["none open", [], undefined, undefined],
    [
      "the one idle longest, a minute or more",
      [
        ["a", at("x", 70_000)],
        ["b", at("y", 90_000)],
      ],
      undefined,
      "b",
    ],
    ["exactly a minute idle", [["a", at("x", MAKE_ROOM_IDLE_MS)]], undefined, "a"],
    ["none idle a minute", [["a", at("x", 59_999)]], undefined, undefined],
    [
      "the idlest is under a minute: none",
      [
        ["a", at("x", 30_000)],
        ["b", at("y", 50_000)],
      ],
      undefined,
      undefined,
    ],
    [
      "a busy session never, however old",
      [
        ["a", at("x", 600_000, 1)],
        ["b", at("x", 70_000)],
      ],
      undefined,
      "b",
    ],
    [
      "only the holder's own",
      [
        ["a", at("x", 600_000)],
        ["b", at("y", 70_000)],
      ],
      "y",
      "b",
    ],
    [
      "none of the holder's idle: not another's",
      [
        ["a", at("x", 600_000)],
        ["b", at("y", 10_000)],
      ],
      "y",
      undefined,
    ],
    ["a holder with none open", [["a", at("x", 600_000)]], "z", undefined],
  ])("%s", (_, sessions, holder, expected) => {
    expect(roomFor(sessions, NOW, holder)?.[0]).toBe(expected);
  });
});

describe("noRoom", () => {
  it.each([
    [
      "the server's cap, in a library's terms",
      { ...SESSION_DEFAULTS, maxSessions: 2, idleMs: 300 },
      optionNames,
      undefined,
      {
        status: 503,
        retryAfterS: 1,
        message:
          "Too many sessions: 2 are open, none idle 60 s or more (maxSessions: 2); one idle that long makes room, and idle ones close after 1 s",
      },
    ],
    [
      "the server's cap, in a bin's terms",
      { ...SESSION_DEFAULTS, maxSessions: 2, idleMs: 300 },
      flagNames(SERVER_OPTIONS),
      undefined,
      {
        status: 503,
        retryAfterS: 1,
        message:
          "Too many sessions: 2 are open, none idle 60 s or more (--max-sessions 2 (MCP_MAX_SESSIONS)); one idle that long makes room, and idle ones close after 1 s",
      },
    ],
    [
      "a caller's cap, in a bin's terms",
      SESSION_DEFAULTS,
      flagNames(SERVER_OPTIONS),
      10,
      {
        status: 429,
        retryAfterS: 60,
        message:
          "Too many sessions: this caller has 10 open, the most one caller may (--max-sessions-per-caller 10 (MCP_MAX_SESSIONS_PER_CALLER)); end one it no longer uses (DELETE), or wait: one idle 60 s makes room, and idle ones close after 1800 s",
      },
    ],
  ])("%s", (_, limits, names, held, expected) => {
    expect(noRoom(limits, names, held)).toEqual(expected);
  });
});
