import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectListedToolsComplete } from "../../core/test/tool-checks.js";
import { type Connected, connect } from "./helpers.js";

/**
 * The tool-definition budget for this server: JSON bytes of {name, description, inputSchema}, summed. 1900, and 25
 * for the `items: {}` of params' array form (three tools), without which OpenAI, Gemini and VS Code refuse the tool.
 */
const BUDGET = 1925;

describe("tool definitions", () => {
  // Definitions do not depend on where the database lives; an in-memory one needs no executor process.
  const db = new Database(":memory:");
  let conn: Connected;
  beforeAll(async () => {
    conn = await connect({ database: db });
  });
  afterAll(async () => {
    await conn.close();
    db.close();
  });

  it(`stay within ${BUDGET} bytes, each with a title, all four annotations and portable schemas`, async () => {
    const { tools } = await conn.client.listTools();
    const sizes = tools.map(({ name, description, inputSchema }) => ({
      name,
      bytes: Buffer.byteLength(JSON.stringify({ name, description, inputSchema }), "utf8"),
    }));
    const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
    process.stderr.write(
      `sqlite tool definitions: ${total} bytes (${sizes.map((s) => `${s.name} ${s.bytes}`).join(", ")})\n`,
    );
    expect(total).toBeLessThanOrEqual(BUDGET);
    expectListedToolsComplete(tools);
  });
});
