import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectListedToolsComplete, expectResultMatchesSchema } from "../../core/test/tool-checks.js";
import { connect, tempDir } from "./helpers.js";

/**
 * Issue 8's budget, JSON bytes of {name, description, inputSchema} summed over tools/list: 3600, and 100 more for
 * read_file's skip_bytes, the one way to read past the cap within a long line, 40 for search_files' skip, the
 * one way to the hits past its cap, 90 for its includeIgnored, the one way to files .gitignore keeps from it, and
 * 220 for write_file's and edit_file's expectedVersion, the one way to refuse a write over a change someone else
 * made since the model read the file.
 */
const BUDGET = 4050;

describe("tool definitions", () => {
  const ws = tempDir();
  let session: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    session = await connect({ root: ws.dir });
  });
  afterAll(async () => {
    await session.close();
    ws.cleanup();
  });

  it(`stay within ${BUDGET} bytes of name + description + input schema`, async () => {
    const { tools } = await session.client.listTools();
    const sizes = tools.map((t) => ({
      name: t.name,
      bytes: Buffer.byteLength(
        JSON.stringify({ name: t.name, description: t.description, inputSchema: t.inputSchema }),
      ),
    }));
    const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
    process.stderr.write(
      `filesystem tool definitions: ${total} bytes (${sizes.map((s) => `${s.name} ${s.bytes}`).join(", ")})\n`,
    );
    expect(tools).toHaveLength(11);
    expect(total).toBeLessThanOrEqual(BUDGET);
  });

  it("declare all four annotations, and an output schema for data results", async () => {
    const { tools } = await session.client.listTools();
    for (const tool of tools) {
      expect(Object.keys(tool.annotations ?? {}).sort()).toEqual([
        "destructiveHint",
        "idempotentHint",
        "openWorldHint",
        "readOnlyHint",
      ]);
      expect(tool.annotations?.openWorldHint).toBe(false);
    }
    const withOutput = tools.filter((t) => t.outputSchema).map((t) => t.name);
    // read_file's version is its text's last line: a structured copy cost every small read (tools/read-file.ts).
    expect(withOutput.sort()).toEqual(["directory_tree", "get_file_info", "list_directory", "search_files"]);
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get("delete_file")?.annotations?.destructiveHint).toBe(true);
    expect(byName.get("read_file")?.annotations?.readOnlyHint).toBe(true);
  });

  it("have titles, and schemas every client can read", async () => {
    expectListedToolsComplete((await session.client.listTools()).tools);
  });

  it("describe every input field", async () => {
    const { tools } = await session.client.listTools();
    for (const tool of tools) {
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
  });

  it("answer every call, success, cut or refusal, with what their output schema says", async () => {
    const dir = path.join(ws.dir, "walk");
    mkdirSync(path.join(dir, "sub"), { recursive: true });
    for (let i = 0; i < 30; i++) writeFileSync(path.join(dir, "sub", `f${i}.txt`), `hello ${i}\n`);
    const { tools } = await session.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    const calls: [string, Record<string, unknown>, "ok" | "error"][] = [
      ["read_file", { path: "walk/sub/f1.txt" }, "ok"],
      ["read_file", { path: "walk/nope.txt" }, "error"],
      ["list_directory", { path: "walk/sub" }, "ok"],
      ["list_directory", { path: "walk/nope" }, "error"],
      ["directory_tree", { path: "walk" }, "ok"],
      ["directory_tree", { path: "walk", exclude: ["sub"] }, "ok"],
      ["search_files", { path: "walk", pattern: "**/*.txt", content: "hello" }, "ok"],
      ["search_files", { path: "walk", pattern: "*.md" }, "ok"],
      ["search_files", { path: "walk", pattern: "*", content: "/(/" }, "error"],
      ["get_file_info", { path: "walk/sub/f2.txt" }, "ok"],
      ["get_file_info", { path: "walk" }, "ok"],
      ["get_file_info", { path: "walk/nope" }, "error"],
    ];
    const capped = await connect({ root: ws.dir, maxEntries: 5, maxResults: 5 });
    try {
      for (const [name, args, outcome] of calls) {
        for (const call of [session.call, capped.call]) {
          const tool = byName.get(name);
          if (!tool) throw new Error(`no tool ${name}`);
          expectResultMatchesSchema(tool, await call(name, args), outcome);
        }
      }
    } finally {
      await capped.close();
    }
  });
});
