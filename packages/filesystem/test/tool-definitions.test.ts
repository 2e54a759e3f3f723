import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectListedToolsComplete } from "../../core/test/tool-checks.js";
import { connect, tempDir } from "./helpers.js";

/**
 * Issue 8's budget, JSON bytes of {name, description, inputSchema} summed over tools/list: 3600, and 100 more for
 * read_file's skip_bytes, the one way to read past the cap within a long line, 40 for search_files' skip, the
 * one way to the hits past its cap, and 90 for its includeIgnored, the one way to files .gitignore keeps from it.
 */
const BUDGET = 3830;

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
});
