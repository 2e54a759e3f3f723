// Prompts and their completions, through real clients of both generations.
import { afterEach, describe, expect, it, vi } from "vitest";
import { completionValues, definePrompt, MAX_COMPLETIONS } from "../src/prompt.js";
import { serverFactory } from "../src/server-factory.js";
import { toolSet } from "../src/tool.js";
import { type ClientKind, connectClient, type TestClient } from "./clients.js";
import { libraryFactory } from "./library.js";

const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
});

async function library(kind: ClientKind, count = 3) {
  const client = await connectClient(libraryFactory(count).factory, kind);
  clients.push(client);
  return client;
}

describe.each<ClientKind>(["modern", "v2@2025-11-25", "v1@2025-06-18"])("prompts with a %s client", (kind) => {
  it("lists each prompt with its arguments, required or not", async () => {
    const { prompts } = await (await library(kind)).listPrompts();
    expect(prompts).toEqual([
      expect.objectContaining({
        name: "summarize-book",
        title: "Summarize a book",
        arguments: [
          { name: "book", description: "The book's name.", required: true },
          { name: "style", description: "How to summarize.", required: false },
        ],
      }),
    ]);
  });

  it("builds the messages from live data and the arguments", async () => {
    const client = await library(kind);
    const result = await client.getPrompt({
      name: "summarize-book",
      arguments: { book: "book-001", style: "detailed" },
    });
    expect(result.messages).toEqual([
      { role: "user", content: { type: "text", text: "Summarize (detailed): text of book 1" } },
    ]);
    const brief = await client.getPrompt({ name: "summarize-book", arguments: { book: "book-002" } });
    expect(brief.messages[0]?.content).toEqual({ type: "text", text: "Summarize (brief): text of book 2" });
  });

  it.each([
    ["a missing required argument", {}, /summarize-book: book: a required argument, missing/],
    ["a bad argument", { book: "no-such-book" }, /No book named "no-such-book": complete the argument/],
    [
      "an argument it does not take",
      { book: "book-002", boook: "x" },
      /summarize-book: no argument named boook \(did you mean book\?\); it takes book/,
    ],
  ])("answers %s with a clear error", async (_, args, message) => {
    const client = await library(kind);
    await expect(client.getPrompt({ name: "summarize-book", arguments: args })).rejects.toThrow(message);
  });

  it.each([
    ["a number", { book: 3 }],
    ["null", { book: null }],
    ["an object", { book: "book-001", style: { long: true } }],
  ])("answers an argument that is not text (%s) with invalid params naming it", async (_, args) => {
    const client = await library(kind);
    const name = "book" in args && typeof args.book === "string" ? "style" : "book";
    const call = client.getPrompt({ name: "summarize-book", arguments: args as never });
    await expect(call).rejects.toThrow(new RegExp(`summarize-book: ${name}: must be text`));
    await expect(call).rejects.toMatchObject({ code: -32602 });
  });

  it("refuses an unknown prompt by name", async () => {
    const client = await library(kind);
    await expect(client.getPrompt({ name: "nope", arguments: {} })).rejects.toThrow(
      "Prompt nope not found; this server offers summarize-book (prompts/list describes each)",
    );
  });

  it("refuses completing an unknown prompt, naming the prompts it offers", async () => {
    const client = await library(kind);
    const complete = client.complete({
      ref: { type: "ref/prompt", name: "nope" },
      argument: { name: "book", value: "" },
    });
    await expect(complete).rejects.toMatchObject({ code: -32602 });
    await expect(complete).rejects.toThrow(
      /Prompt nope not found; this server offers summarize-book \(prompts\/list describes each\)$/,
    );
  });

  it("completes an argument from what was typed, and from the other arguments", async () => {
    const client = await library(kind, 12);
    const ref = { type: "ref/prompt" as const, name: "summarize-book" };
    const books = await client.complete({ ref, argument: { name: "book", value: "book-01" } });
    expect(books.completion.values).toEqual(["book-010", "book-011"]);
    const styles = await client.complete({
      ref,
      argument: { name: "style", value: "" },
      context: { arguments: { book: "book-003" } },
    });
    expect(styles.completion.values).toEqual(["brief", "detailed", "like book-003"]);
  });

  it(`returns at most ${MAX_COMPLETIONS} completions, counting all of them`, async () => {
    const client = await library(kind, 250);
    const ref = { type: "ref/prompt" as const, name: "summarize-book" };
    const { completion } = await client.complete({ ref, argument: { name: "book", value: "book-" } });
    expect(completion.values).toHaveLength(MAX_COMPLETIONS);
    expect(completion.values[0]).toBe("book-000");
    expect(completion).toMatchObject({ total: 250, hasMore: true });
    const few = await client.complete({ ref, argument: { name: "book", value: "book-01" } });
    expect(few.completion).toMatchObject({ total: 10, hasMore: false });
  });
});

describe.each<ClientKind>(["modern", "v1@2025-11-25", "v1@2025-06-18"])("a prompt cancelled by a %s client", (kind) => {
  it("has its handler's signal aborted, so its work stops", async () => {
    const seen: string[] = [];
    const slow = definePrompt({
      name: "slow",
      title: "Slow",
      description: "Waits until cancelled.",
      arguments: {},
      handler: (_, { signal }) =>
        new Promise((_resolve, reject) => {
          seen.push("started");
          signal.addEventListener("abort", () => {
            seen.push("aborted");
            reject(new Error("stopped"));
          });
        }),
    });
    const factory = serverFactory({ info: { name: "slow", version: "1.0.0" }, tools: toolSet([]), prompts: [slow] });
    const client = await connectClient(factory, kind);
    clients.push(client);
    const controller = new AbortController();
    const asked = client.getPrompt({ name: "slow" }, { signal: controller.signal });
    await vi.waitFor(() => expect(seen).toEqual(["started"]));
    controller.abort("user stop");
    await expect(asked).rejects.toThrow();
    await vi.waitFor(() => expect(seen).toEqual(["started", "aborted"]));
  });
});

describe("completionValues", () => {
  it.each([
    [[], []],
    [
      ["a", "b", "a"],
      ["a", "b"],
    ],
    [Array.from({ length: 150 }, (_, i) => `v${i}`), Array.from({ length: 150 }, (_, i) => `v${i}`)],
  ])("keeps each value once, all of them (the SDK cuts and counts): %j", (values, expected) => {
    expect(completionValues(values)).toEqual(expected);
  });
});
