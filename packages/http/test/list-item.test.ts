import { NodeHtmlMarkdown, PostProcessResult } from "node-html-markdown";
import { describe, expect, it } from "vitest";
import { listItem } from "../src/list-item.js";

const stock = new NodeHtmlMarkdown({ maxConsecutiveNewlines: 2 });
const ours = new NodeHtmlMarkdown({ maxConsecutiveNewlines: 2 }, { li: listItem(PostProcessResult.RemoveNode) });

/** The best of three runs, in ms: the least noisy estimate on a shared machine. */
function fastest(run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe("listItem", () => {
  it.each([
    "<ul><li>one</li><li>two</li></ul>",
    "<ol><li>one</li><li>two <b>bold</b></li><li> </li></ol>",
    "<ul><li>a<br>b<br><br>c</li><li>x<br>- y<br>1. z<br>| t</li></ul>",
    "<ul><li>trailing &nbsp; <br>next</li></ul>",
    "<ul><li>outer<ul><li>inner<ol><li>deep</li></ol></li></ul></li></ul>",
    `<ul><li>${"w".repeat(500)}</li></ul>`,
  ])("converts %s as the library does", (html) => {
    expect(ours.translate(html)).toBe(stock.translate(html));
  });

  // The shape from the review: lists nested 99 deep around one long word. The library's own list item took
  // seconds at a 20,000-character word (quadratic in it); 16 times the word must cost well under 64 times as much.
  it("converts a long word in deep lists in time linear in the word", () => {
    const page = (word: number) => `${"<ul><li>".repeat(99)}${"w".repeat(word)}${"</li></ul>".repeat(99)}`;
    const small = page(2_000);
    const large = page(32_000);
    const base = Math.max(
      fastest(() => ours.translate(small)),
      1,
    );
    expect(fastest(() => ours.translate(large))).toBeLessThan(64 * base);
  }, 60_000);
});
