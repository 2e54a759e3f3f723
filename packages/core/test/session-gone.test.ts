import { describe, expect, it } from "vitest";
import { SERVER_OPTIONS } from "../src/server-flags.js";
import { EndedSessions, unknownSessionMessage } from "../src/session-gone.js";
import { flagNames, optionNames } from "../src/setting-names.js";

describe("EndedSessions", () => {
  it.each([
    { added: ["a"], asked: "a", has: true },
    { added: ["a"], asked: "b", has: false },
    { added: ["a", "b", "c"], asked: "a", has: false },
    { added: ["a", "b", "c"], asked: "b", has: true },
    { added: ["a", "b", "a", "c"], asked: "a", has: true },
    { added: ["a", "b", "a", "c"], asked: "b", has: false },
  ])("keeping 2, after $added knows $asked: $has", ({ added, asked, has }) => {
    const ended = new EndedSessions(2);
    for (const id of added) ended.add(id);
    expect(ended.has(asked)).toBe(has);
  });
});

describe("unknownSessionMessage", () => {
  const bin = flagNames(SERVER_OPTIONS);
  it.each([
    { ended: true, names: bin, message: "Session not found: it expired or was closed; initialize again" },
    {
      ended: false,
      names: bin,
      message:
        "Session not found: this server process never opened it; it was opened by another replica (a session lives in one process: behind a load balancer, --stateful (MCP_HTTP_STATEFUL=1) needs each client routed to the same replica) or before the server restarted; initialize again",
    },
    { ended: false, names: optionNames, message: expect.stringContaining("load balancer, stateful: true needs") },
  ])("ended $ended", ({ ended, names, message }) => {
    expect(unknownSessionMessage(ended, names)).toEqual(message);
  });
});
