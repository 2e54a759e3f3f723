import { describe, expect, it } from "vitest";
import { illFormedMessage, illFormedText } from "../src/well-formed.js";

describe("illFormedText", () => {
  it.each<[string, unknown, { path: string[]; index: number } | undefined]>([
    ["plain text", { path: "a.txt", content: "héllo" }, undefined],
    ["an emoji (a whole pair)", { content: "a😀b" }, undefined],
    ["a lone high surrogate", { content: "a\uD800b" }, { path: ["content"], index: 1 }],
    ["a lone low surrogate at the end", { content: "ab\uDC00" }, { path: ["content"], index: 2 }],
    ["a pair cut short after a whole one", { content: "😀\uD83D" }, { path: ["content"], index: 2 }],
    ["in an array, deep", { params: [1, "ok", { x: ["\uDFFF"] }] }, { path: ["params", "2", "x", "0"], index: 0 }],
    ["in a key", { headers: { "x\uD800": "v" } }, { path: ["headers"], index: 1 }],
    ["numbers, booleans, null", { a: 1, b: true, c: null }, undefined],
    ["a bare string", "\uD800", { path: [], index: 0 }],
  ])("%s", (_case, value, found) => {
    expect(illFormedText(value)).toEqual(found);
  });
});

describe("illFormedText on an argument nested 20,000 deep", () => {
  /** `{"a": {"a": …}}` nested `depth` levels around `leaf`, built without recursion. */
  const nested = (depth: number, leaf: unknown) => {
    let value = leaf;
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  };

  it("finds nothing in valid text, without overflowing the stack", () => {
    expect(illFormedText(nested(20_000, "ok"))).toBeUndefined();
  });

  it("finds the broken character at the bottom, naming its whole path", () => {
    expect(illFormedText(nested(20_000, "x\uD800"))).toEqual({ path: Array(20_000).fill("a"), index: 1 });
  });
});

describe("illFormedMessage", () => {
  it("names the argument and the character, and says nothing was done", () => {
    expect(illFormedMessage({ path: ["edits", "0", "newText"], index: 4 })).toBe(
      "edits.0.newText: character 4 is half of a UTF-16 surrogate pair (a broken character, such as half of an emoji), which cannot be stored or sent as UTF-8; nothing was done: send the text as valid Unicode",
    );
  });
});
