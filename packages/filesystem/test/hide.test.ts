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
    // No hit from the hidden file; the symlinks to it are named as list_directory names them, as links not followed.
    const found = textOf(await s.call("search_files", { pattern: "**/*", content: "tool" }));
    expect(found).toBe(
      '[no matches for "**/*" containing "tool"; symlinks are not followed (2 met, the first "audit-link"): to search a folder one leads to, give it as path]',
    );
    const everything = textOf(await s.call("search_files", { pattern: "**/*" }));
    expect(everything).not.toContain(".agent");
    expect(everything).toContain("open.log");
    expect(textOf(await s.call("read_file", { path: "logs/open.log" }))).toBe("visible\n");
  });
});

// Issue 13: with `self -> .` the typed path `self/secret.txt` is not hidden, but the file it reaches is. Every
// mutating tool must judge the real place of the final name (through the verified parent), not the typed path.
describe("hide: mutations through links to the root or a parent", () => {
  const ws = tempDir();
  const at = (...parts: string[]) => path.join(ws.dir, ...parts);
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    mkdirSync(at(".agent"));
    writeFileSync(at(".agent", "audit.jsonl"), "log\n");
    writeFileSync(at("secret.txt"), "secret\n");
    writeFileSync(at("hidden.txt"), "hidden\n");
    mkdirSync(at("data", "inner"), { recursive: true });
    writeFileSync(at("data", "secret.txt"), "data secret\n");
    mkdirSync(at("logs"));
    writeFileSync(at("logs", "audit.jsonl"), "inner log\n");
    writeFileSync(at("notes.txt"), "notes\n");
    symlinkSync(".", at("self")); // to the root
    symlinkSync("self", at("chain")); // a chain: chain -> self -> .
    symlinkSync("..", at("data", "inner", "up")); // to a parent
    symlinkSync(".agent", at("door")); // to a hidden directory
    s = await connect({
      root: ws.dir,
      hide: [".agent", "secret.txt", "hidden.txt", "data/secret.txt", "logs/audit.jsonl", "vault"],
    });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it.each([
    ["write_file", { path: "self/secret.txt", content: "replaced\n" }],
    ["write_file", { path: "chain/secret.txt", content: "replaced\n" }],
    ["write_file", { path: "self/self/chain/hidden.txt", content: "replaced\n" }],
    ["write_file", { path: "data/inner/up/secret.txt", content: "replaced\n" }],
    ["write_file", { path: "self/vault", content: "planted\n" }],
    ["write_file", { path: "self/.agent/new.txt", content: "planted\n" }],
    ["write_file", { path: "door/new.txt", content: "planted\n" }],
    ["write_file", { path: "self/vault/new.txt", content: "planted\n" }],
    ["edit_file", { path: "self/secret.txt", edits: [{ oldText: "secret", newText: "x" }] }],
    ["create_directory", { path: "self/vault" }],
    ["create_directory", { path: "chain/vault/deeper" }],
    ["create_directory", { path: "self/.agent/sub" }],
    ["move_file", { source: "self/.agent", destination: "exposed" }],
    ["move_file", { source: "chain/.agent/audit.jsonl", destination: "exposed.jsonl" }],
    ["move_file", { source: "self/secret.txt", destination: "exposed.txt" }],
    ["move_file", { source: "data/inner/up/secret.txt", destination: "exposed.txt" }],
    ["move_file", { source: "logs", destination: "exposed-logs" }],
    ["move_file", { source: "self/logs", destination: "exposed-logs" }],
    ["move_file", { source: "notes.txt", destination: "self/vault" }],
    ["move_file", { source: "notes.txt", destination: "chain/vault" }],
    ["delete_file", { path: "self/hidden.txt" }],
    ["delete_file", { path: "chain/hidden.txt" }],
    ["delete_file", { path: "data/inner/up/secret.txt" }],
    ["delete_file", { path: "self/.agent/audit.jsonl" }],
  ])("%s %j is refused", async (tool, args) => {
    const result = await s.call(tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(HIDDEN);
  });

  it("left every hidden file in place and created nothing hidden or exposed", () => {
    expect(readFileSync(at(".agent", "audit.jsonl"), "utf8")).toBe("log\n");
    expect(readFileSync(at("secret.txt"), "utf8")).toBe("secret\n");
    expect(readFileSync(at("hidden.txt"), "utf8")).toBe("hidden\n");
    expect(readFileSync(at("data", "secret.txt"), "utf8")).toBe("data secret\n");
    expect(readFileSync(at("logs", "audit.jsonl"), "utf8")).toBe("inner log\n");
    expect(readFileSync(at("notes.txt"), "utf8")).toBe("notes\n");
    for (const name of ["vault", "exposed", "exposed.jsonl", "exposed.txt", "exposed-logs", ".agent/new.txt"]) {
      expect(existsSync(at(name))).toBe(false);
    }
  });

  it("still writes, moves and deletes visible files through the same links", async () => {
    expect((await s.call("write_file", { path: "self/visible.txt", content: "v\n" })).isError).toBeFalsy();
    expect(
      (await s.call("move_file", { source: "chain/visible.txt", destination: "data/inner/up/moved.txt" })).isError,
    ).toBeFalsy();
    expect(readFileSync(at("data", "moved.txt"), "utf8")).toBe("v\n");
    expect((await s.call("delete_file", { path: "self/data/moved.txt" })).isError).toBeFalsy();
    expect(existsSync(at("data", "moved.txt"))).toBe(false);
  });
});
