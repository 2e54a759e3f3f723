import { describe, expect, it } from "vitest";
import { Budget, BudgetExceeded } from "../src/budget.js";
import { GrepQueue, grepBatch, type QueuedFile } from "../src/grep-batch.js";
import { compileContentMatcher, RegexTimeoutError } from "../src/search-pattern.js";

const file = (rel: string, text: string, skipped = 0): QueuedFile => ({ rel, text, skipped, unreadable: 0 });
const runaway = `${"a".repeat(40)}b`;

function regex(content: string) {
  const matcher = compileContentMatcher(content);
  if (!matcher.ok) throw new Error(matcher.reason);
  return matcher.batchLines;
}

describe("grepBatch", () => {
  it("reports every file's hits in order", async () => {
    const seen: string[] = [];
    const files = [file("a", "x\nb"), file("b", "none"), file("c", "b")];
    const outcome = await grepBatch(files, regex("/b/"), new Budget(10_000), (f, hits) => {
      seen.push(`${f.rel}:${hits.join(",")}`);
      return true;
    });
    expect(outcome).toEqual({ kind: "done" });
    expect(seen).toEqual(["a:2", "b:", "c:1"]);
  });

  it("ends at the file whose hits fill the results, even when the regex runs away on a later one", async () => {
    const files = [file("a", "x"), file("b", "y", 3), file("c", runaway)];
    const outcome = await grepBatch(files, regex("/(a|a)*$/"), new Budget(10_000), (f) => f.rel !== "b");
    expect(outcome).toEqual({ kind: "full", file: files[1] });
  });

  it("names the file a regex ran away on, after reporting the files before it", async () => {
    const seen: string[] = [];
    const files = [file("a", "x"), file("b", `ok\n${runaway}`), file("c", "z")];
    const outcome = await grepBatch(files, regex("/(a|a)*$/"), new Budget(10_000), (f) => seen.push(f.rel) > 0);
    expect(seen).toEqual(["a"]);
    expect(outcome).toMatchObject({ kind: "stopped", file: files[1] });
    expect(outcome.kind === "stopped" && outcome.stopped).toBeInstanceOf(RegexTimeoutError);
  });

  it("stops when the call's budget is spent", async () => {
    const slow = `${"a".repeat(16)}\n`.repeat(20000);
    const files = [file("a", slow), file("b", "ab")];
    const outcome = await grepBatch(files, regex("/(a|a)*b/"), new Budget(300), () => true);
    expect(outcome).toMatchObject({ kind: "stopped", file: files[0] });
    expect(outcome.kind === "stopped" && outcome.stopped).toBeInstanceOf(BudgetExceeded);
  });
});

describe("GrepQueue", () => {
  it("is due once enough files wait, and hands them over in order", () => {
    const queue = new GrepQueue();
    const budget = new Budget(10_000);
    expect(queue.due(budget)).toBe(false);
    for (let i = 0; i < 300 && !queue.due(budget); i++) queue.add(file(String(i), "x"));
    expect(queue.due(budget)).toBe(true);
    const taken = queue.take();
    expect(taken.map((f) => f.rel)).toEqual(taken.map((_, i) => String(i)));
    expect(queue.due(budget)).toBe(false);
    expect(queue.take()).toEqual([]);
  });

  it("is due once its characters reach the cap, however few files", () => {
    const queue = new GrepQueue();
    queue.add(file("big", "x".repeat(4 * 1024 * 1024)));
    expect(queue.due(new Budget(10_000))).toBe(true);
  });
});
