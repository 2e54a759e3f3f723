import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HIDDEN } from "../src/path-policy.js";
import { connect, tempDir, textOf } from "./helpers.js";

// A --hide entry whose own path runs through a symlink (`logs -> var/logs`) names a file that also has its real name
// (`var/logs/audit.jsonl`); hiding the name as written left the file readable, writable and movable by that one.
describe("hide: an entry that runs through a symlink", () => {
  const ws = tempDir();
  const at = (...parts: string[]) => path.join(ws.dir, ...parts);
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    mkdirSync(at("var", "logs"), { recursive: true });
    writeFileSync(at("var", "logs", "audit.jsonl"), "log\n");
    writeFileSync(at("var", "logs", "open.log"), "visible\n");
    symlinkSync(path.join("var", "logs"), at("logs"));
    // Not there yet, through a link that leads nowhere yet: hidden before it exists.
    symlinkSync(path.join("store", "keys"), at("keys"));
    // A link to the root: hiding it hides the name, never the whole root.
    symlinkSync(".", at("self"));
    s = await connect({ root: ws.dir, hide: ["logs/audit.jsonl", "keys/key.pem", "self"] });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it.each([
    ["read_file", { path: "var/logs/audit.jsonl" }],
    ["get_file_info", { path: "var/logs/audit.jsonl" }],
    ["write_file", { path: "var/logs/audit.jsonl", content: "forged\n" }],
    ["edit_file", { path: "var/logs/audit.jsonl", edits: [{ oldText: "log", newText: "x" }] }],
    ["move_file", { source: "var/logs/audit.jsonl", destination: "stolen.jsonl" }],
    ["move_file", { source: "var", destination: "elsewhere" }],
    ["delete_file", { path: "var/logs/audit.jsonl" }],
    ["write_file", { path: "store/keys/key.pem", content: "planted\n" }],
  ])("%s %j is refused", async (tool, args) => {
    const result = await s.call(tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(HIDDEN);
  });

  it("leaves the file in place, unlisted, and the rest of its folder as it was", async () => {
    expect(readFileSync(at("var", "logs", "audit.jsonl"), "utf8")).toBe("log\n");
    expect(existsSync(at("store", "keys", "key.pem"))).toBe(false);
    const listed = (await s.call("list_directory", { path: "var/logs" })).structuredContent as {
      entries: { name: string }[];
    };
    expect(listed.entries.map((e) => e.name)).toEqual(["open.log"]);
    const found = textOf(await s.call("search_files", { path: "var", pattern: "**/*" }));
    expect(found).not.toContain("audit.jsonl");
    expect(textOf(await s.call("read_file", { path: "var/logs/open.log" }))).toBe("visible\n");
  });

  it("hides a link to the root by its name only", async () => {
    expect(textOf(await s.call("read_file", { path: "self/var/logs/open.log" }))).toContain(HIDDEN);
    const listed = (await s.call("list_directory", {})).structuredContent as { entries: { name: string }[] };
    expect(listed.entries.map((e) => e.name)).toEqual(["keys", "logs", "var"]);
  });
});
