import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { afterEach, describe, expect, it } from "vitest";
import { PROTOCOL_MATRIX, STARTS, TRANSPORTS, useServers } from "../../core/test/built-server.js";
import { expectedVersion } from "../../core/test/clients.js";
import { tempDir, textOf } from "./helpers.js";

// The product as shipped: dist/cli.cjs (what Claude Desktop runs) and dist/snapshot.blob (how the agent starts it),
// in every mode, with every tool once. Flags, limits and start-up errors of the bin are in cli.test.ts.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const READING = [
  "directory_tree",
  "get_file_info",
  "list_directory",
  "read_file",
  "read_multiple_files",
  "search_files",
];
const WRITING = ["create_directory", "delete_file", "edit_file", "move_file", "write_file"];

const start = useServers(DIST);
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A fresh root holding given.txt, which the test wrote itself. */
function root(): string {
  const { dir, cleanup } = tempDir("fs-bin-");
  cleanups.push(cleanup);
  writeFileSync(path.join(dir, "given.txt"), "given by the test\n");
  return dir;
}

/** A result's structured content. */
const data = (result: CallToolResult) => (result.structuredContent ?? {}) as Record<string, unknown>;

/** The result, after checking it is not an error (whose text then says why). */
async function ok(pending: Promise<CallToolResult>): Promise<CallToolResult> {
  const result = await pending;
  expect(result.isError, textOf(result)).toBeFalsy();
  return result;
}

describe.each(STARTS)("mcp-filesystem as shipped, started from its %s", (how) => {
  it.each(TRANSPORTS)("over %s runs every tool once, each with its effect on disk", async (transport) => {
    const dir = root();
    const at = (p: string) => path.join(dir, p);
    const server = await start(how, transport, ["--root", dir]);
    const call = (name: string, args: Record<string, unknown>) => ok(server.call(name, args));
    expect((await server.toolNames()).sort()).toEqual([...READING, ...WRITING].sort());

    await call("write_file", { path: "notes/a.txt", content: "alpha\nbeta\n" });
    expect(readFileSync(at("notes/a.txt"), "utf8")).toBe("alpha\nbeta\n");
    await call("edit_file", { path: "notes/a.txt", edits: [{ oldText: "beta", newText: "gamma" }] });
    expect(readFileSync(at("notes/a.txt"), "utf8")).toBe("alpha\ngamma\n");
    await call("create_directory", { path: "archive/2026" });
    expect(statSync(at("archive/2026")).isDirectory()).toBe(true);
    await call("move_file", { source: "notes/a.txt", destination: "archive/2026/a.txt" });
    expect(existsSync(at("notes/a.txt"))).toBe(false);
    expect(readFileSync(at("archive/2026/a.txt"), "utf8")).toBe("alpha\ngamma\n");

    expect(textOf(await call("read_file", { path: "given.txt" }))).toContain("given by the test");
    const both = textOf(await call("read_multiple_files", { paths: ["given.txt", "archive/2026/a.txt"] }));
    expect(both).toMatch(/given by the test[\s\S]*alpha\ngamma/);
    expect(data(await call("list_directory", {})).entries).toEqual(
      expect.arrayContaining([
        { name: "archive", type: "directory" },
        { name: "given.txt", type: "file", size: statSync(at("given.txt")).size },
      ]),
    );
    expect(data(await call("directory_tree", {})).entries).toContainEqual({
      path: "archive/2026/a.txt",
      type: "file",
    });
    expect(data(await call("search_files", { pattern: "*.txt", content: "/gam+a/" })).matches).toEqual([
      expect.objectContaining({ path: "archive/2026/a.txt", line: 2, text: "gamma" }),
    ]);
    expect((await call("get_file_info", { path: "archive/2026/a.txt" })).structuredContent).toMatchObject({
      type: "file",
      content: "text",
      size: statSync(at("archive/2026/a.txt")).size,
    });

    await call("delete_file", { path: "archive/2026/a.txt" });
    expect(existsSync(at("archive/2026/a.txt"))).toBe(false);
  });

  it("with --read-only lists only the six reading tools, and a write tool is refused with nothing written", async () => {
    const dir = root();
    const server = await start(how, "stdio", ["--root", dir, "--read-only"]);
    expect((await server.toolNames()).sort()).toEqual(READING);
    expect(textOf(await ok(server.call("read_file", { path: "given.txt" })))).toContain("given by the test");
    await expect(server.call("write_file", { path: "new.txt", content: "x" })).rejects.toThrow(/write_file not found/);
    expect(existsSync(path.join(dir, "new.txt"))).toBe(false);
  });

  it("over http refuses a request without its bearer token", async () => {
    const server = await start(how, "http", ["--root", root()]);
    const response = await fetch(server.url as URL, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
  });
});

describe("mcp-filesystem as shipped, to every client", () => {
  it.each(PROTOCOL_MATRIX)("over %s a %s client gets its revision, lists and calls tools", async (transport, kind) => {
    const server = await start("bin", transport, ["--root", root()], {}, kind);
    expect(server.client.protocolVersion()).toBe(expectedVersion(kind));
    expect((await server.toolNames()).sort()).toEqual([...READING, ...WRITING].sort());
    expect(textOf(await ok(server.call("read_file", { path: "given.txt" })))).toContain("given by the test");
  });
});
