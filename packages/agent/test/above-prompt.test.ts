import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeAbovePrompt } from "../src/above-prompt.js";

function drawn(line: string, cursor: number, rows: number, text: string, prompt = "> "): string {
  const out = new PassThrough();
  let said = "";
  out.on("data", (chunk: Buffer) => {
    said += chunk.toString();
  });
  writeAbovePrompt(out, { line, cursor, getPrompt: () => prompt, getCursorPos: () => ({ rows, cols: 0 }) }, text);
  return said;
}

describe("writeAbovePrompt", () => {
  it.each<[string, [string, number, number, string, string?], string]>([
    ["an empty prompt", ["", 0, 0, "log\n"], "\x1b[1G\x1b[0Jlog\n> "],
    ["a line ending without a newline", ["ab", 2, 0, "log"], "\x1b[1G\x1b[0Jlog\n> ab"],
    ["the cursor inside the line", ["abcdef", 4, 0, "log\n"], "\x1b[1G\x1b[0Jlog\n> abcd\x1b7ef\x1b8"],
    [
      "a typed line wrapped onto a third row",
      ["x".repeat(170), 170, 2, "log\n"],
      `\x1b[2A\x1b[1G\x1b[0Jlog\n> ${"x".repeat(170)}`,
    ],
    [
      "a prompt of two lines: only its last is drawn again",
      ["y", 1, 0, "log\n", "\nallow? "],
      "\x1b[1G\x1b[0Jlog\nallow? y",
    ],
  ])("%s", (_, [line, cursor, rows, text, prompt], expected) => {
    expect(drawn(line, cursor, rows, text, prompt)).toBe(expected);
  });
});
