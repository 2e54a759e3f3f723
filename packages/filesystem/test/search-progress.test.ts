import type { Progress } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { SearchProgress } from "../src/search-progress.js";

/** A Progress that keeps every report (no delay, no spacing: what search_files hands on is what is seen here). */
function recording(): { progress: Progress; seen: { progress: number; message?: string }[] } {
  const seen: { progress: number; message?: string }[] = [];
  return {
    seen,
    progress: {
      report: (progress, _total, message) => void seen.push({ progress, ...(message ? { message } : {}) }),
      during: (work) => work,
    },
  };
}

describe("SearchProgress", () => {
  it("counts the lines a grep tests while the walk stands still, and keeps them once the batch ends", () => {
    const { progress, seen } = recording();
    const search = new SearchProgress(progress);
    search.walk.report(1, undefined, "ignored: the walk's own words");
    search.batchLines(4000);
    search.batchLines(9000);
    search.batchDone();
    search.walk.report(2);
    search.batchLines(10);
    expect(seen).toEqual([
      { progress: 1, message: "1 entry seen" },
      { progress: 4001, message: "1 entry seen, 4000 lines searched" },
      { progress: 9001, message: "1 entry seen, 9000 lines searched" },
      { progress: 9002, message: "2 entries seen, 9000 lines searched" },
      { progress: 9012, message: "2 entries seen, 9010 lines searched" },
    ]);
  });
});
