// --confirm destructive on the filesystem server, with real clients of both generations: delete_file and write_file
// over an existing file ask first, naming the path and size; declining leaves the file as it was.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Answerer, type ClientKind, connectClient, missingCapability } from "../../core/test/clients.js";
import { createFilesystemServerFactory } from "../src/server.js";
import { tempDir, textOf } from "./helpers.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(kind: ClientKind, answer?: Answerer, confirm: "never" | "destructive" = "destructive") {
  const { dir: root, cleanup } = tempDir("fs-confirm-");
  cleanups.push(cleanup);
  writeFileSync(path.join(root, "report.txt"), "x".repeat(2500));
  mkdirSync(path.join(root, "empty"));
  symlinkSync("report.txt", path.join(root, "link.txt"));
  const factory = createFilesystemServerFactory({ root, confirm });
  const client = await connectClient(factory, kind, undefined, answer && { elicit: { answer } });
  cleanups.push(
    () => client.close(),
    () => factory.close(),
  );
  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
  const content = (rel: string) => readFileSync(path.join(root, rel), "utf8");
  return { root, call, content };
}

function recording(action: "accept" | "decline" | "cancel") {
  const questions: string[] = [];
  const answer: Answerer = (message) => {
    questions.push(message);
    return action === "accept" ? { action, content: { confirm: true } } : { action };
  };
  return { questions, answer };
}

describe.each<ClientKind>(["modern", "v2@2025-11-25", "v1@2025-06-18"])("--confirm destructive, %s client", (kind) => {
  it("delete_file asks with the path and size, and deletes on accept", async () => {
    const { questions, answer } = recording("accept");
    const { root, call } = await setup(kind, answer);
    expect(textOf(await call("delete_file", { path: "report.txt" }))).toBe("deleted file report.txt");
    expect(questions).toEqual(["Deleting report.txt (2.4 KiB): go ahead? It cannot be undone."]);
    expect(() => readFileSync(path.join(root, "report.txt"))).toThrow(/ENOENT/);
  });

  it.each(["decline", "cancel"] as const)("delete_file leaves the file when the user answers %s", async (action) => {
    const { answer } = recording(action);
    const { call, content } = await setup(kind, answer);
    const result = await call("delete_file", { path: "report.txt" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /Not done: the user (declined|dismissed the question about) deleting report\.txt \(2\.4 KiB\)/,
    );
    expect(content("report.txt")).toHaveLength(2500);
  });

  it("delete_file names a symlink as a link whose target stays", async () => {
    const { questions, answer } = recording("decline");
    const { call, content } = await setup(kind, answer);
    await call("delete_file", { path: "link.txt" });
    expect(questions).toEqual(["Deleting the symlink link.txt (its target stays): go ahead? It cannot be undone."]);
    expect(content("link.txt")).toHaveLength(2500);
  });

  it("delete_file of an empty directory, which holds nothing, does not ask", async () => {
    const { questions, answer } = recording("decline");
    const { call } = await setup(kind, answer);
    expect(textOf(await call("delete_file", { path: "empty" }))).toBe("deleted directory empty");
    expect(questions).toEqual([]);
  });

  it("write_file over an existing file asks, and keeps the old content on decline", async () => {
    const { questions, answer } = recording("decline");
    const { call, content } = await setup(kind, answer);
    const result = await call("write_file", { path: "report.txt", content: "short" });
    expect(textOf(result)).toMatch(/the user declined replacing report\.txt \(2\.4 KiB\) with 5 B of new content/);
    expect(questions).toEqual([
      "Replace report.txt (2.4 KiB) with 5 B of new content? What it holds now will be lost.",
    ]);
    expect(content("report.txt")).toHaveLength(2500);
  });

  it("write_file whose expectedVersion is not the file's is refused before the user is asked", async () => {
    const { questions, answer } = recording("accept");
    const { call, content } = await setup(kind, answer);
    for (const expectedVersion of ["0123456789abcdef", "new"]) {
      const result = await call("write_file", { path: "report.txt", content: "short", expectedVersion });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(
        /^write_file failed: "report\.txt": (changed since it was read|exists \(version [0-9a-f]{16}\))/,
      );
    }
    expect(questions).toEqual([]);
    expect(content("report.txt")).toHaveLength(2500);
  });

  it("write_file replaces on accept, and creates a new file without asking", async () => {
    const { questions, answer } = recording("accept");
    const { call, content } = await setup(kind, answer);
    expect(textOf(await call("write_file", { path: "report.txt", content: "short" }))).toMatch(/^replaced report\.txt/);
    expect(content("report.txt")).toBe("short");
    expect(textOf(await call("write_file", { path: "new/fresh.txt", content: "hi" }))).toMatch(
      /^created new\/fresh\.txt/,
    );
    expect(questions).toHaveLength(1);
  });

  it("refuses a call the client cannot be asked about: -32021 in 2026-07-28, an isError result in the 2025 era", async () => {
    if (kind === "modern") {
      const { call, content } = await setup(kind);
      for (const [tool, args, question] of [
        ["delete_file", { path: "report.txt" }, "Deleting report.txt (2.4 KiB): go ahead? It cannot be undone."],
        [
          "write_file",
          { path: "report.txt", content: "y" },
          "Replace report.txt (2.4 KiB) with 1 B of new content? What it holds now will be lost.",
        ],
      ] as const) {
        const { message, required } = await missingCapability(call(tool, args));
        expect(required).toEqual({ elicitation: { form: {} } });
        expect(message).toContain(
          `the server runs with confirm: destructive, so a call that deletes or replaces a whole thing asks the user first, and this request's client capabilities do not declare elicitation (form mode), so the user cannot be asked ${JSON.stringify(question)}; nothing was changed`,
        );
      }
      expect(content("report.txt")).toHaveLength(2500);
      return;
    }
    const { call, content } = await setup(kind);
    for (const [tool, args] of [
      ["delete_file", { path: "report.txt" }],
      ["write_file", { path: "report.txt", content: "y" }],
    ] as const) {
      const result = await call(tool, args);
      expect(textOf(result)).toMatch(/needs the user's confirmation, as the server runs with confirm: destructive,/);
    }
    expect(content("report.txt")).toHaveLength(2500);
  });
});

describe("without --confirm", () => {
  it("deletes and replaces without asking (the default)", async () => {
    const { questions, answer } = recording("decline");
    const { call, content } = await setup("modern", answer, "never");
    expect(textOf(await call("write_file", { path: "report.txt", content: "z" }))).toMatch(/^replaced/);
    expect(content("report.txt")).toBe("z");
    expect(textOf(await call("delete_file", { path: "report.txt" }))).toBe("deleted file report.txt");
    expect(questions).toEqual([]);
  });
});

describe("--confirm destructive with --read-only", () => {
  it("warns once as the server is built: a read-only server lists no tool that asks", async () => {
    const { dir: root, cleanup } = tempDir("fs-confirm-ro-");
    cleanups.push(cleanup);
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (line) => warnings.push(line), error() {} };
    const factory = createFilesystemServerFactory({ root, readOnly: true, confirm: "destructive", logger });
    cleanups.push(() => factory.close());
    factory();
    factory();
    expect(warnings).toEqual([
      "confirm: destructive has no effect with readOnly: true: only delete_file and write_file ask the user first, and a read-only server lists neither, so it is ignored",
    ]);
  });

  it.each([[{ readOnly: false, confirm: "destructive" }], [{ readOnly: true, confirm: "never" }]] as const)(
    "does not warn for %o",
    async (options) => {
      const { dir: root, cleanup } = tempDir("fs-confirm-ro-");
      cleanups.push(cleanup);
      const warnings: string[] = [];
      const logger: Logger = { debug() {}, info() {}, warn: (line) => warnings.push(line), error() {} };
      const factory = createFilesystemServerFactory({ root, ...options, logger });
      cleanups.push(() => factory.close());
      expect(warnings).toEqual([]);
    },
  );
});

describe("refusals in filesystem://stats", () => {
  it("counts the sandbox's and --hide's refusals by cause, and not a bad argument", async () => {
    const { dir: root, cleanup } = tempDir("fs-stats-");
    cleanups.push(cleanup);
    mkdirSync(path.join(root, ".agent"));
    const factory = createFilesystemServerFactory({ root, hide: [".agent"] });
    const client = await connectClient(factory, "modern");
    cleanups.push(
      () => client.close(),
      () => factory.close(),
    );
    await client.callTool({ name: "read_file", arguments: { path: "../etc/passwd" } });
    await client.callTool({ name: "write_file", arguments: { path: "/etc/x", content: "" } });
    await client.callTool({ name: "list_directory", arguments: { path: ".agent" } });
    await client.callTool({ name: "read_file", arguments: { path: "" } });
    await client.callTool({ name: "read_file", arguments: { path: "missing.txt" } });
    const read = await client.readResource({ uri: "filesystem://stats" });
    const report = JSON.parse((read.contents[0] as { text: string }).text);
    expect(report.refusals).toEqual({ hidden: 1, sandbox: 2 });
    // Resource reads are refused by the same policies and counted alike; a plain "not found" is no refusal.
    await expect(client.readResource({ uri: "file:///etc/passwd" })).rejects.toThrow(/outside the workspace root/);
    await expect(client.readResource({ uri: pathToFileURL(path.join(root, ".agent")).href })).rejects.toThrow(/--hide/);
    await expect(client.readResource({ uri: pathToFileURL(path.join(root, "missing.txt")).href })).rejects.toThrow(
      /not found/,
    );
    const after = JSON.parse(
      ((await client.readResource({ uri: "filesystem://stats" })).contents[0] as { text: string }).text,
    );
    expect(after.refusals).toEqual({ hidden: 2, sandbox: 3 });
    expect(report).toMatchObject({ calls: 5, errors: 5 });
    expect(report.tools.read_file).toMatchObject({ calls: 3, errors: 3 });
  });
});

describe("limits' refusals in filesystem://stats", () => {
  it("counts a call refused for size (write, edit, image) or for time (a regex or glob too costly) by that cause", async () => {
    const { dir: root, cleanup } = tempDir("fs-limits-");
    cleanups.push(cleanup);
    writeFileSync(path.join(root, "big.txt"), "x".repeat(2000));
    // A PNG signature is all it takes to be an image; the padding puts it over maxImageBytes.
    writeFileSync(
      path.join(root, "big.png"),
      Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(3000)]),
    );
    writeFileSync(path.join(root, "slow.txt"), `${"a".repeat(40)}b`);
    writeFileSync(path.join(root, "a".repeat(250)), "");
    const factory = createFilesystemServerFactory({ root, maxFileBytes: 1024, maxImageBytes: 2048 });
    const client = await connectClient(factory, "modern");
    cleanups.push(
      () => client.close(),
      () => factory.close(),
    );
    const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
    const write = await call("write_file", { path: "new.txt", content: "y".repeat(2000) });
    expect(textOf(write)).toMatch(/new\.txt": content is .* over the .* write limit/);
    await call("edit_file", { path: "big.txt", edits: [{ oldText: "x", newText: "z" }] });
    await call("read_file", { path: "big.png" });
    const regex = await call("search_files", { pattern: "slow.txt", content: "/(a|a)*$/" });
    expect(textOf(regex)).toMatch(/took over 100 ms on line 1 alone/);
    const glob = await call("search_files", { pattern: `${"{?,?}".repeat(8)}*a*a*b` });
    expect(textOf(glob)).toMatch(/took over 100 ms; use a simpler glob/);
    await call("read_file", { path: "missing.txt" });
    const read = await client.readResource({ uri: "filesystem://stats" });
    const report = JSON.parse((read.contents[0] as { text: string }).text);
    expect(report.refusals).toEqual({ size: 3, timeout: 2 });
    expect(report).toMatchObject({ calls: 6, errors: 6 });
  });
});
