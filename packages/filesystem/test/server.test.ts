import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { errorWith, typeErrorWith } from "../../core/test/matchers.js";
import { tooLargeMessage } from "../../core/test/too-large.js";
import type { FilesystemServerOptions } from "../src/options.js";
import { createFilesystemServer, createFilesystemServerFactory } from "../src/server.js";
import { connect, tempDir, textOf } from "./helpers.js";

describe("createFilesystemServer", () => {
  const one = tempDir();
  const two = tempDir();
  afterAll(() => {
    one.cleanup();
    two.cleanup();
  });

  it("runs two servers with different roots in one process, each confined to its own", async () => {
    writeFileSync(path.join(one.dir, "who.txt"), "one");
    writeFileSync(path.join(two.dir, "who.txt"), "two");
    const a = await connect({ root: one.dir });
    const b = await connect({ root: two.dir, readOnly: true });
    try {
      expect(textOf(await a.call("read_file", { path: "who.txt" }))).toBe("one");
      expect(textOf(await b.call("read_file", { path: "who.txt" }))).toBe("two");
      const across = await a.call("read_file", { path: path.join(two.dir, "who.txt") });
      expect(across.isError).toBe(true);
      expect(textOf(across)).toContain("outside the workspace root");
      // One server's options don't leak into the other: a is writable, b is not.
      expect((await a.call("write_file", { path: "new.txt", content: "a" })).isError).toBeFalsy();
      expect((await b.client.listTools()).tools).toHaveLength(6);
      expect((await a.client.listTools()).tools).toHaveLength(11);
      expect(readFileSync(path.join(one.dir, "new.txt"), "utf8")).toBe("a");
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("serves several roots: relative paths start at the first, absolute paths reach any", async () => {
    const s = await connect({ root: [one.dir, two.dir] });
    try {
      expect(textOf(await s.call("read_file", { path: "who.txt" }))).toBe("one");
      expect(textOf(await s.call("read_file", { path: path.join(two.dir, "who.txt") }))).toBe("two");
      // Nothing else tells a model of the second root: the listing it starts with, and the refusals, name it.
      const [realOne, realTwo] = [realpathSync(one.dir), realpathSync(two.dir)];
      expect(textOf(await s.call("list_directory", {}))).toContain(
        `[other workspace roots, reached by absolute path: ${realTwo}]`,
      );
      expect(textOf(await s.call("list_directory", { path: realTwo }))).not.toContain("other workspace roots");
      expect(textOf(await s.call("read_file", { path: "/etc/hostname" }))).toBe(
        `read_file failed: "/etc/hostname": outside the workspace roots (${realOne}, ${realTwo}); use a path inside one of them (relative paths start at ${realOne})`,
      );
      writeFileSync(path.join(two.dir, "only-two.txt"), "2");
      expect(textOf(await s.call("read_file", { path: "only-two.txt" }))).toBe(
        `read_file failed: "only-two.txt": not found — list_directory shows what exists (relative paths start at ${realOne}; other roots: ${realTwo})`,
      );
    } finally {
      await s.close();
    }
  });

  it("reads ~ as the home directory, so a write there is refused and no folder named ~ appears", async () => {
    const s = await connect({ root: one.dir });
    try {
      const written = await s.call("write_file", { path: "~/notes.txt", content: "hi" });
      expect(written.isError).toBe(true);
      expect(textOf(written)).toContain('"~/notes.txt": outside the workspace root');
      expect(textOf(written)).toContain("a leading ~ is the home directory; a folder named ~ in the root is ./~");
      expect(existsSync(path.join(one.dir, "~"))).toBe(false);
      expect((await s.call("write_file", { path: "./~/notes.txt", content: "hi" })).isError).toBeFalsy();
      expect(readFileSync(path.join(one.dir, "~", "notes.txt"), "utf8")).toBe("hi");
    } finally {
      await s.close();
    }
  });

  it("read-only hides every write tool, and calling one fails", async () => {
    const s = await connect({ root: one.dir, readOnly: true });
    try {
      const names = (await s.client.listTools()).tools.map((t) => t.name).sort();
      expect(names).toEqual([
        "directory_tree",
        "get_file_info",
        "list_directory",
        "read_file",
        "read_multiple_files",
        "search_files",
      ]);
      await expect(s.call("write_file", { path: "x", content: "y" })).rejects.toThrow(/write_file not found/);
    } finally {
      await s.close();
    }
  });

  it('lists a tool a library user adds next to ours; none of ours carries "$schema"', async () => {
    const server = createFilesystemServer({ root: one.dir, readOnly: true });
    server.registerTool(
      "echo",
      { description: "Echo.", inputSchema: z.object({ text: z.string() }) },
      async ({ text }) => ({
        content: [{ type: "text", text }],
      }),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("echo");
      expect(tools).toHaveLength(7);
      for (const tool of tools.filter((t) => t.name !== "echo")) {
        expect(tool.inputSchema).not.toHaveProperty("$schema");
        expect(tool.outputSchema ?? {}).not.toHaveProperty("$schema");
      }
      expect(textOf(await client.callTool({ name: "echo", arguments: { text: "hi" } }))).toBe("hi");
    } finally {
      await client.close();
      await server.close();
    }
  });

  // A library's user set the limits in code: a refusal names them so, or as the caller's settingNames says.
  it.each<[string, Partial<FilesystemServerOptions>, string, string]>([
    ["its own option names", {}, "set by maxFileBytes; split", "set by maxFiles]"],
    [
      "the names settingNames gives",
      { settingNames: (option, value) => `the ${option}${value ? `=${value}` : ""} knob` },
      "set by the maxFileBytes knob; split",
      "set by the maxFiles knob]",
    ],
  ])("names the limits it refuses by %s", async (_, names, write, read) => {
    const s = await connect({ root: one.dir, maxFileBytes: 10, maxFiles: 1, ...names });
    try {
      expect(textOf(await s.call("write_file", { path: "big.txt", content: "x".repeat(11) }))).toContain(write);
      expect(textOf(await s.call("read_multiple_files", { paths: ["a", "b"] }))).toContain(read);
    } finally {
      await s.close();
    }
  });

  // A missing root is the file system's doing (Error); no roots at all a value of the wrong shape (TypeError); a
  // count out of range a RangeError.
  it.each<[FilesystemServerOptions, { readonly name: string }, string]>([
    [
      { root: "/definitely/not/here" },
      Error,
      "workspace root /definitely/not/here does not exist; create it or set root to another directory",
    ],
    [{ root: [] }, TypeError, "at least one workspace root is required"],
    [{ root: ".", hide: ["/etc"] }, TypeError, 'hide "/etc": must be relative to the workspace root'],
    [{ root: ".", hide: [".."] }, TypeError, 'hide "..": leads outside the workspace root'],
    [{ root: ".", maxResponseBytes: 0 }, RangeError, "maxResponseBytes must be a whole number ≥ 1024, got 0"],
    [{ root: ".", maxEntries: 1.5 }, RangeError, "maxEntries must be a whole number ≥ 1, got 1.5"],
    [{ root: ".", createdRoot: "/" }, TypeError, `createdRoot / is not one of the roots (${realpathSync(".")})`],
  ])("refuses bad options %j at construction", (options, kind, message) => {
    expect(() => createFilesystemServer(options)).toThrow(errorWith(kind, message));
  });

  // Plain JavaScript callers have no compiler: each mistake is one TypeError naming the factory and the option.
  it.each<[string, unknown, string]>([
    [
      "the plural of root",
      { roots: ["."] },
      'createFilesystemServer: unknown option "roots" — did you mean "root"? (its options: root, readOnly,',
    ],
    [
      "another word for root",
      { workspace: "." },
      'createFilesystemServer: unknown option "workspace" — did you mean "root"?',
    ],
    ["no root", {}, "createFilesystemServer: option root is required (a directory path or an array of them)"],
    ["a path for the object", ".", "createFilesystemServer takes an options object (root, readOnly"],
    ["a number for a root", { root: [".", 7] }, "root must be a directory path or an array of them, got an array of 2"],
    ["a string for a boolean", { root: ".", readOnly: "true" }, 'readOnly must be true or false, got "true"'],
    ["one path for hide", { root: ".", hide: ".agent" }, 'hide must be an array of non-empty strings, got ".agent"'],
    [
      "an unknown roots mode",
      { root: ".", clientRoots: "merge" },
      'clientRoots must be one of "narrow", "replace", "ignore", got "merge"',
    ],
    ["a number for the made root", { root: ".", createdRoot: 7 }, "createdRoot must be a non-empty string, got 7"],
    [
      "flag text for settingNames",
      { root: ".", settingNames: "flags" },
      'settingNames must be a function, got "flags"',
    ],
  ])("refuses %s from a plain JavaScript caller", (_, options, message) => {
    expect(() => createFilesystemServer(options as never)).toThrow(typeErrorWith(message));
    expect(() => createFilesystemServerFactory(options as never)).toThrow(
      typeErrorWith(message.replace("createFilesystemServer", "createFilesystemServerFactory")),
    );
  });
});

describe("the filesystem server over HTTP, given a request body over 4 MiB", () => {
  const root = tempDir();
  afterAll(() => root.cleanup());

  it("answers 413 with this server's own advice on sending less", async () => {
    const message = await tooLargeMessage(createFilesystemServerFactory({ root: root.dir }));
    expect(message).toContain(
      "send less per request (a large file in parts: write the first, then add each next part with an edit), or run the server over stdio",
    );
  });
});
