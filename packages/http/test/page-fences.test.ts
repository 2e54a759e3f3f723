import { describe, expect, it } from "vitest";
import { MAX_FENCE_CHARS, pageFences } from "../src/page-fences.js";

// Offsets: "Intro\n\n" 0-6, "```js" 7-11 (its newline 12), "let a = 1;" 13-22, "let b = 2;" 24-33, "```" 35-37,
// "\n\nAfter" 38-44.
const DOC = "Intro\n\n```js\nlet a = 1;\nlet b = 2;\n```\n\nAfter";
const LIST = "* step\n\n  ```py\n  run()\n  ```\n\n* next";
const NESTED = "````md\n```\ninner\n```\n````\n";

describe("pageFences", () => {
  it.each<[string, string, number, number, string, string]>([
    ["the whole body", DOC, 0, DOC.length, "", ""],
    ["a page before the block", DOC, 0, 5, "", ""],
    ["a page ending where the block opens", DOC, 0, 7, "", ""],
    ["a cut inside the opening line", DOC, 0, 11, "", "s\n```"],
    ["a cut at the opening line's end", DOC, 0, 12, "", "\n```"],
    ["a cut inside a line of code", DOC, 0, 18, "", "\n```"],
    ["a cut at the start of a line of code", DOC, 0, 24, "", "```"],
    ["a cut where the closing line starts", DOC, 0, 35, "", "```"],
    ["a cut inside the closing line", DOC, 0, 36, "", "``"],
    ["a cut after the block", DOC, 0, 38, "", ""],
    ["a page starting inside the opening line", DOC, 11, DOC.length, "```j", ""],
    ["a page starting where the block opens", DOC, 7, DOC.length, "", ""],
    ["a page starting inside a line of code", DOC, 18, DOC.length, "```js\n", ""],
    // The page starts with the newline ending the last page's line: the reopened fence takes it, adding no blank line.
    ["a page starting at the end of a line of code", DOC, 23, DOC.length, "```js", ""],
    ["a page starting at an empty line of code", "```\na\n\nb\n```", 6, 13, "```\n", ""],
    ["a page starting where the closing line starts", DOC, 35, DOC.length, "```js\n", ""],
    ["a page starting inside the closing line", DOC, 36, DOC.length, "```js\n`", ""],
    ["a page starting at the closing line's end", DOC, 38, DOC.length, "", ""],
    ["a page starting after the block", DOC, 39, DOC.length, "", ""],
    ["a page inside the block", DOC, 18, 30, "```js\n", "\n```"],
    ["an indented block in a list item", LIST, 18, 22, "  ```py\n", "\n  ```"],
    ["a longer fence around shorter ones", NESTED, 12, 14, "````md\n", "\n````"],
    ["a block never closed, cut", "```\na\nb", 0, 5, "", "\n```"],
    ["no block", "a\nb\nc", 1, 3, "", ""],
    ["a paragraph starting with inline code of backticks", "```` ``` ```` opens a block.\n\nProse", 30, 33, "", ""],
  ])("%s", (_case, text, start, end, before, after) => {
    expect(pageFences(text, start, end)).toEqual({ before, after });
  });

  it("adds at most MAX_FENCE_CHARS either side, however long a hostile page's fence line is", () => {
    // A page of 10 characters got a 20,000-character fence line before it and after it, page after page.
    const language = "a".repeat(20_000);
    const long = `\`\`\`${language}\n${"code line\n".repeat(20)}\`\`\`\n`;
    const inside = long.indexOf("code") + 15;
    expect(pageFences(long, inside, inside + 10)).toEqual({ before: "", after: "" });
    const cutOpener = 100;
    expect(pageFences(long, cutOpener, cutOpener + 10)).toEqual({ before: "", after: "" });
    const ticks = "`".repeat(5_000);
    const longFence = `${ticks}\ncode\nmore code\n${ticks}\n`;
    expect(pageFences(longFence, 5_003, 5_006)).toEqual({ before: "", after: "" });
    const short = `\`\`\`${"a".repeat(MAX_FENCE_CHARS - 4)}\ncode\nmore\n\`\`\``;
    expect(pageFences(short, MAX_FENCE_CHARS + 1, MAX_FENCE_CHARS + 3).before).toBe(
      `\`\`\`${"a".repeat(MAX_FENCE_CHARS - 4)}\n`,
    );
  });

  it("leaves no page, of any length, with a block open at its end or one opened only by a fence line of its own", () => {
    for (const text of [DOC, LIST, NESTED]) {
      for (let length = 1; length <= text.length; length++) {
        for (let start = 0; start < text.length; start += length) {
          const end = Math.min(text.length, start + length);
          const { before, after } = pageFences(text, start, end);
          const shown = `${before}${text.slice(start, end)}${after}`;
          expect(openAtEnd(shown), JSON.stringify({ text, start, end, shown })).toBe(false);
        }
      }
    }
  });
});

/** Whether a fenced block is still open after `markdown`, read as CommonMark reads backtick fences. */
function openAtEnd(markdown: string): boolean {
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const trimmed = line.trim();
    if (fence === undefined) fence = /^(`{3,})[^`]*$/.exec(trimmed)?.[1];
    else if (trimmed === fence) fence = undefined;
  }
  return fence !== undefined;
}
