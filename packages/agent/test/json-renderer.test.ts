import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { JsonRenderer } from "../src/json-renderer.js";

function renderer() {
  const err = new PassThrough();
  let written = "";
  err.on("data", (chunk) => {
    written += chunk;
  });
  return { r: new JsonRenderer(err), stderr: () => written };
}

describe("JsonRenderer: the --json transcript", () => {
  it("joins streamed pieces into one event per run of text or thinking, in order", () => {
    const { r } = renderer();
    r.thinking("Let me ");
    r.thinking("think.");
    r.text("Hello, ");
    r.text("world.");
    r.endMessage();
    r.text("");
    r.endMessage();
    expect(r.events).toEqual([
      { type: "thinking", text: "Let me think." },
      { type: "text", text: "Hello, world." },
    ]);
  });

  it("ends the text before a tool call, and keeps a result's first 2,000 characters, whole milliseconds and cut", () => {
    const { r } = renderer();
    r.text("Reading.");
    r.toolCall({ id: "t1", name: "file__read_file", input: { path: "a.txt" } });
    r.toolResult({ id: "t1", name: "file__read_file", ok: true, text: "x".repeat(2500), ms: 12.6, cut: true });
    r.toolResult({ id: "t2", name: "db__execute_query", ok: false, text: "no such table", ms: 3.2, cut: false });
    expect(r.events).toEqual([
      { type: "text", text: "Reading." },
      { type: "tool_call", id: "t1", name: "file__read_file", input: { path: "a.txt" } },
      { type: "tool_result", id: "t1", name: "file__read_file", ok: true, text: "x".repeat(2000), ms: 13, cut: true },
      { type: "tool_result", id: "t2", name: "db__execute_query", ok: false, text: "no such table", ms: 3 },
    ]);
  });

  it("records what servers report as progress, not the elapsed-time ticks", () => {
    const { r } = renderer();
    const base = { id: "t1", name: "db__execute_query", elapsedMs: 1500.4 };
    r.progress({ ...base, tick: true });
    r.progress({ ...base, tick: false, progress: 3, total: 10, message: "rows" });
    r.progress({ ...base, tick: false, progress: 4 });
    expect(r.events).toEqual([
      { type: "progress", id: "t1", name: "db__execute_query", ms: 1500, progress: 3, total: 10, message: "rows" },
      { type: "progress", id: "t1", name: "db__execute_query", ms: 1500, progress: 4 },
    ]);
  });

  it("puts a notice in the transcript and on stderr for people, with control characters made printable", () => {
    const { r, stderr } = renderer();
    r.text("partial");
    r.notice("db: resources changed\u001b[2J");
    expect(r.events).toEqual([
      { type: "text", text: "partial" },
      { type: "notice", message: "db: resources changed\u001b[2J" },
    ]);
    expect(stderr()).toMatch(/^mcp-agent: db: resources changed/);
    expect(stderr()).not.toContain("\u001b");
  });
});
