import { describe, expect, it } from "vitest";
import { cutLongDiffLines, DIFF_LINE_CHARS } from "../src/diff-lines.js";

const head = ["Index: a.js", "===", "--- a.js", "+++ a.js", "@@ -1,3 +1,3 @@"];
const long = (middle: string) => `${"a".repeat(1000)}${middle}${"z".repeat(1000)}`;

describe("cutLongDiffLines", () => {
  it("cuts a changed pair of long lines to where they differ, with 60 characters either side", () => {
    const diff = [...head, " ctx", `-${long("OLD")}`, `+${long("NEW!")}`, " ctx", ""].join("\n");
    const { text, cut } = cutLongDiffLines(diff);
    expect(cut).toBe(2);
    expect(text.split("\n").slice(5)).toEqual([
      " ctx",
      `-…${"a".repeat(60)}OLD${"z".repeat(60)}…`,
      `+…${"a".repeat(60)}NEW!${"z".repeat(60)}…`,
      " ctx",
      "",
    ]);
  });

  it("pairs across a missing final newline, and cuts an unpaired or unchanged long line to its start", () => {
    const diff = [...head, ` ${long("same")}`, `-${long("x")}`, "\\ No newline at end of file", `+${long("y")}`];
    diff.push(`+${long("added")}`);
    const lines = cutLongDiffLines(diff.join("\n")).text.split("\n").slice(5);
    expect(lines).toEqual([
      ` ${"a".repeat(DIFF_LINE_CHARS)}…`,
      `-…${"a".repeat(60)}x${"z".repeat(60)}…`,
      "\\ No newline at end of file",
      `+…${"a".repeat(60)}y${"z".repeat(60)}…`,
      `+${"a".repeat(DIFF_LINE_CHARS)}…`,
    ]);
  });

  it("keeps short lines, headers and a removed SQL comment as they are", () => {
    const diff = [...head, "--- comment", "+-- other", " x", ""].join("\n");
    expect(cutLongDiffLines(diff)).toEqual({ text: diff, cut: 0 });
  });

  it("never splits a surrogate pair, and caps a long changed part", () => {
    // 😀 and 😁 share their first UTF-16 unit: the lines differ from the middle of the last pair.
    const before = "😀".repeat(300);
    const after = `${"😀".repeat(299)}😁`;
    const { text } = cutLongDiffLines([...head, `-${before}`, `+${after}`].join("\n"));
    const [minus, plus] = text.split("\n").slice(5) as [string, string];
    expect(minus).toBe(`-…${"😀".repeat(31)}`);
    expect(plus).toBe(`+…${"😀".repeat(30)}😁`);
    const changed = cutLongDiffLines([...head, `-${"b".repeat(5000)}`, `+${"c".repeat(5000)}`].join("\n")).text;
    expect(changed.split("\n").slice(5)).toEqual([
      `-${"b".repeat(DIFF_LINE_CHARS)}…`,
      `+${"c".repeat(DIFF_LINE_CHARS)}…`,
    ]);
  });
});
