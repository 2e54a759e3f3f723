import { describe, expect, it } from "vitest";
import { progressLine } from "../src/progress-line.js";

describe("progressLine", () => {
  const at = { id: "t1", name: "db__execute_query", elapsedMs: 2400, tick: true };
  it.each([
    ["nothing reported: the seconds", {}, "  … db__execute_query (2 s)"],
    ["a count and a total", { progress: 3, total: 10 }, "  … db__execute_query 3/10 (2 s)"],
    ["a count alone", { progress: 3 }, "  … db__execute_query 3 (2 s)"],
    [
      "a message that gives its own time: that time only",
      { progress: 1.5, message: "SQL running for 1.5 s" },
      "  … db__execute_query SQL running for 1.5 s",
    ],
    [
      "a message with a time in ms: that time only",
      { progress: 0, message: "0 bytes received, 150 ms" },
      "  … db__execute_query 0 bytes received, 150 ms",
    ],
    [
      "a message and a count without a total, no time in it: the message and the seconds",
      { progress: 4, message: "4 rows so far" },
      "  … db__execute_query 4 rows so far (2 s)",
    ],
    [
      "a message, a count and a total",
      { progress: 3, total: 10, message: "rows" },
      "  … db__execute_query rows 3/10 (2 s)",
    ],
  ])("%s", (_case, reported, line) => {
    expect(progressLine({ ...at, ...reported })).toBe(line);
  });

  it.each([
    ["fits: unchanged", 80, "  … db__execute_query 3/10 (2 s)"],
    ["a narrow terminal: cut a column short of its width", 20, "  … db__execute_qu…"],
  ])("%s", (_case, columns, line) => {
    expect(progressLine({ ...at, progress: 3, total: 10 }, columns)).toBe(line);
  });
});
