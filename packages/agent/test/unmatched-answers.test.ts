import { describe, expect, it } from "vitest";
import { UnmatchedAnswers } from "../src/unmatched-answers.js";

/** The error the SDK's client reports for a response no request of its is waiting for. */
const sdkError = (response: unknown) =>
  new Error(`Received a response for an unknown message ID: ${JSON.stringify(response)}`);

describe("UnmatchedAnswers", () => {
  it("takes only the SDK's unknown-id errors, and says nothing before one", () => {
    const answers = new UnmatchedAnswers();
    expect(answers.add(new Error("Connection closed"))).toBe(false);
    expect(answers.count).toBe(0);
    expect(answers.since(0)).toBeUndefined();
  });

  it("counts them, reports the first three, and words those since a mark with the latest id, clipped", () => {
    const reported: string[] = [];
    const answers = new UnmatchedAnswers((line) => reported.push(line));
    for (const id of [7, "x", null, 9]) expect(answers.add(sdkError({ jsonrpc: "2.0", id, result: {} }))).toBe(true);
    expect(reported).toEqual([
      "answered id 7, which no call was waiting for: ignored",
      'answered id "x", which no call was waiting for: ignored',
      "answered id null, which no call was waiting for: ignored (later ones are not shown)",
    ]);
    const mark = answers.count;
    expect(answers.since(mark)).toBeUndefined();
    answers.add(sdkError({ jsonrpc: "2.0", id: "y".repeat(500), result: { text: "z".repeat(100_000) } }));
    expect(answers.since(mark)).toBe(
      `it sent 1 answer with an id no call was waiting for (the latest "${"y".repeat(36)}...); an MCP server must answer with the id of the request it answers`,
    );
    expect(answers.since(0)).toMatch(/^it sent 5 answers with an id/);
  });
});
