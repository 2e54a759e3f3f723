import { describe, expect, it } from "vitest";
import { useSeededServer } from "../helpers.js";

describe("write-query", () => {
  const db = useSeededServer();

  it("gives the schema and the question, asking for one read-only SELECT", async () => {
    const result = await db.conn.client.getPrompt({
      name: "write-query",
      arguments: { question: "Which items have more than 4?" },
    });
    const text = (result.messages[0]?.content as { text?: string } | undefined)?.text ?? "";
    expect(text).toContain("CREATE TABLE items");
    expect(text).toContain("Question: Which items have more than 4?");
    expect(text).toMatch(/one SELECT statement.*must only read/s);
  });

  it.each([
    [{}, /question/],
    [{ question: "  " }, /write-query needs a question/],
    [{ question: "x".repeat(2001) }, /the question is 2001 characters; keep it to 2000 at most/],
    [{ question: "😀".repeat(2001) }, /the question is 2001 characters; keep it to 2000 at most/],
  ])("refuses %j with a clear error", async (args, message) => {
    await expect(db.conn.client.getPrompt({ name: "write-query", arguments: args })).rejects.toThrow(message);
  });

  it("takes a question of exactly 2000 characters, counted as code points (an emoji is one)", async () => {
    for (const question of ["x".repeat(2000), "😀".repeat(2000)]) {
      const result = await db.conn.client.getPrompt({ name: "write-query", arguments: { question } });
      const text = (result.messages[0]?.content as { text?: string } | undefined)?.text ?? "";
      expect(text).toContain(`Question: ${question}`);
    }
  });
});
