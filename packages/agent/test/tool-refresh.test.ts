import { describe, expect, it } from "vitest";
import { newHandle, type ServerHandle } from "../src/server-handle.js";
import { refreshTools, toolListChange } from "../src/tool-refresh.js";

describe("toolListChange", () => {
  it.each([
    ["nothing changed", ["a", "b"], ["b", "a"], { added: 0, removed: 0 }],
    ["one added", ["a"], ["a", "b"], { added: 1, removed: 0 }],
    ["one removed", ["a", "b"], ["a"], { added: 0, removed: 1 }],
    ["all replaced", ["a", "b"], ["c"], { added: 1, removed: 2 }],
    ["from none", [], ["a", "b"], { added: 2, removed: 0 }],
    ["to none", ["a"], [], { added: 0, removed: 1 }],
    ["a name listed twice counts once", ["a"], ["a", "b", "b"], { added: 1, removed: 0 }],
  ])("%s", (_, before, after, change) => {
    expect(toolListChange(before, after)).toEqual(change);
  });
});

describe("refreshTools", () => {
  /** A handle whose client counts its tools/list requests, each answered at once with the same list. */
  function counted() {
    const listed = { count: 0 };
    const client = {
      listTools: async () => {
        listed.count++;
        return { tools: [{ name: "t", inputSchema: { type: "object" } }] };
      },
    };
    const handle = newHandle({ kind: "stdio", name: "h", command: "node", args: [], env: {}, builtin: true });
    handle.client = client as never;
    return { handle, listed };
  }
  const settled = async (handle: ServerHandle) => {
    while (handle.refreshing) await handle.refreshing;
  };

  it("reads the list once for a flood of change signals, with one line, not one of each per signal", async () => {
    const { handle, listed } = counted();
    const notices: string[] = [];
    let changed = 0;
    for (let i = 0; i < 1000; i++)
      refreshTools(handle, { startupTimeoutMs: 1000, onNotice: (n) => notices.push(n) }, () => changed++);
    await settled(handle);
    expect(listed.count).toBe(1);
    expect(changed).toBe(1);
    expect(notices).toEqual(["h: tools changed (+1, \u22120)"]);
    expect(handle.tools.map((t) => t.name)).toEqual(["t"]);
  });

  it.each([
    // A change stream reopened refreshes quietly (quietIfSame); a server's change signal is said even when nothing came or went.
    ["a reopened stream, then a change signal", [true, false]],
    ["a change signal, then a reopened stream", [false, true]],
  ])("says an unchanged list when a change signal joined a quiet refresh: %s", async (_, quiet) => {
    const { handle, listed } = counted();
    handle.tools = [{ name: "t" }] as never;
    const notices: string[] = [];
    for (const quietIfSame of quiet) {
      refreshTools(handle, { startupTimeoutMs: 1000, onNotice: (n) => notices.push(n) }, () => {}, { quietIfSame });
    }
    await settled(handle);
    expect(listed.count).toBe(1);
    expect(notices).toEqual(["h: tools changed (+0, \u22120)"]);
  });

  it("reads it again for a signal that comes after a refresh has begun", async () => {
    const { handle, listed } = counted();
    const options = { startupTimeoutMs: 1000 };
    refreshTools(handle, options, () => {});
    await Promise.resolve();
    // The first refresh is under way: this signal may tell of a newer list than the one it reads.
    refreshTools(handle, options, () => {});
    refreshTools(handle, options, () => {});
    await settled(handle);
    expect(listed.count).toBe(2);
  });
});
