import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HIDDEN } from "../src/path-policy.js";
import { connect, tempDir, textOf } from "./helpers.js";

// What the agent does: its audit log lives in WORKSPACE/.agent, and the file tools must not read, rewrite or
// delete it, whichever way the path is written.
describe("hide: paths the tools cannot reach", () => {
  const ws = tempDir();
  const audit = path.join(ws.dir, ".agent", "audit.jsonl");
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    mkdirSync(path.join(ws.dir, ".agent"));
    writeFileSync(audit, '{"tool":"x"}\n');
    mkdirSync(path.join(ws.dir, "logs"));
    writeFileSync(path.join(ws.dir, "logs", "secret.log"), "hidden too\n");
    writeFileSync(path.join(ws.dir, "logs", "open.log"), "visible\n");
    writeFileSync(path.join(ws.dir, "notes.txt"), "hello\n");
    // Ways around a name check: a symlink to the directory, and one to the file.
    symlinkSync(".agent", path.join(ws.dir, "door"));
    symlinkSync(path.join(".agent", "audit.jsonl"), path.join(ws.dir, "audit-link"));
    s = await connect({ root: ws.dir, hide: [".agent", "logs/secret.log"] });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it.each([
    ["read_file", { path: ".agent/audit.jsonl" }],
    ["read_file", { path: "./.agent/../.agent/audit.jsonl" }],
    ["read_file", { path: "door/audit.jsonl" }],
    ["read_file", { path: "audit-link" }],
    ["read_file", { path: "logs/secret.log" }],
    ["read_multiple_files", { paths: [".agent/audit.jsonl"] }],
    ["list_directory", { path: ".agent" }],
    ["list_directory", { path: "door" }],
    ["directory_tree", { path: ".agent" }],
    ["search_files", { path: ".agent", pattern: "*" }],
    ["get_file_info", { path: ".agent/audit.jsonl" }],
    ["write_file", { path: ".agent/audit.jsonl", content: "forged\n" }],
    ["write_file", { path: ".agent/new.txt", content: "x" }],
    ["write_file", { path: "door/audit.jsonl", content: "forged\n" }],
    ["edit_file", { path: ".agent/audit.jsonl", edits: [{ oldText: "x", newText: "y" }] }],
    ["edit_file", { path: "audit-link", edits: [{ oldText: "x", newText: "y" }] }],
    ["create_directory", { path: ".agent/sub" }],
    ["move_file", { source: ".agent/audit.jsonl", destination: "stolen.jsonl" }],
    ["move_file", { source: ".agent", destination: "elsewhere" }],
    ["move_file", { source: "notes.txt", destination: ".agent/audit.jsonl" }],
    ["move_file", { source: "notes.txt", destination: "door/audit.jsonl" }],
    ["delete_file", { path: ".agent/audit.jsonl" }],
    ["delete_file", { path: "door/audit.jsonl" }],
    ["delete_file", { path: ".agent" }],
  ])("%s %j is refused", async (tool, args) => {
    const result = await s.call(tool, args);
    const text = textOf(result);
    if (tool === "read_multiple_files") expect(text).toContain(HIDDEN);
    else {
      expect(result.isError).toBe(true);
      expect(text).toContain(HIDDEN);
    }
  });

  it("leaves what it refused untouched", () => {
    expect(readFileSync(audit, "utf8")).toBe('{"tool":"x"}\n');
    expect(existsSync(path.join(ws.dir, ".agent", "new.txt"))).toBe(false);
    expect(existsSync(path.join(ws.dir, ".agent", "sub"))).toBe(false);
    expect(readFileSync(path.join(ws.dir, "notes.txt"), "utf8")).toBe("hello\n");
    expect(readFileSync(path.join(ws.dir, "logs", "secret.log"), "utf8")).toBe("hidden too\n");
  });

  it("leaves hidden entries out of listings, trees and searches; the rest is unchanged", async () => {
    const listed = (await s.call("list_directory", {})).structuredContent as { entries: { name: string }[] };
    expect(listed.entries.map((e) => e.name)).toEqual(["audit-link", "door", "logs", "notes.txt"]);
    const logs = (await s.call("list_directory", { path: "logs" })).structuredContent as {
      entries: { name: string }[];
    };
    expect(logs.entries.map((e) => e.name)).toEqual(["open.log"]);
    const tree = textOf(await s.call("directory_tree", { path: ".", maxDepth: 5 }));
    expect(tree).not.toContain(".agent");
    expect(tree).not.toContain("secret.log");
    const found = textOf(await s.call("search_files", { pattern: "**/*", content: "tool" }));
    expect(found).not.toContain("audit");
    const everything = textOf(await s.call("search_files", { pattern: "**/*" }));
    expect(everything).not.toContain(".agent");
    expect(everything).toContain("open.log");
    expect(textOf(await s.call("read_file", { path: "logs/open.log" }))).toBe("visible\n");
  });
});
