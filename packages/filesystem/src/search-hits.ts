// The hits of one search_files call, as the lines of its reply and as its structured content, within the caps.
import { hitText, shownLine, shownName } from "./shown-name.js";
import type { EntryType } from "./walk.js";

/** Longest line text shown for a content hit. */
const HIT_TEXT = 200;

/** One hit: a name the glob matched, or a line of a file the content matched. */
export type Hit = { path: string; type: EntryType; line?: number; text?: string };

/**
 * The hits kept: the first `skip` are left out (a page past the cap walks again from the start, in the walk's name
 * order), then each is kept until there are `maxResults`, or the reply would pass its byte cap (`full`).
 */
export class SearchHits {
  readonly matches: Hit[] = [];
  readonly lines: string[] = [];
  full = false;
  /** Hits left out for `skip`. */
  passed = 0;
  private room: number;

  constructor(
    private readonly skip: number,
    private readonly maxResults: number,
    maxResponseBytes: number,
  ) {
    this.room = maxResponseBytes - 400;
  }

  /** Keep one hit, shown as `line`; false once the results are full. */
  add(hit: Hit, line: string): boolean {
    if (this.passed < this.skip) {
      this.passed++;
      return true;
    }
    this.room -= Buffer.byteLength(line) + Buffer.byteLength(JSON.stringify(hit)) + 2;
    if (this.matches.length >= this.maxResults || this.room < 0) {
      this.full = true;
      return false;
    }
    this.matches.push(hit);
    this.lines.push(line);
    return true;
  }

  /** Keep the lines `hits` of file `rel`, whose text is `text` (`at`: where each one's first match starts); false once full. */
  addLines(rel: string, text: string, hits: number[], at: number[]): boolean {
    if (hits.length === 0) return true;
    // Each hit's line, and where its first match starts (the test found it: a regex is not run again here).
    const wanted = new Map(hits.map((lineNo, i) => [lineNo, at[i] ?? 0]));
    for (let start = 0, lineNo = 1; start < text.length; lineNo++) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      if (wanted.has(lineNo)) {
        const line = text.slice(start, end);
        const shown = hitText(line, HIT_TEXT, line.length > HIT_TEXT ? (wanted.get(lineNo) ?? 0) : 0);
        const hit: Hit = { path: rel, type: "file", line: lineNo, text: shown };
        if (!this.add(hit, `${shownName(rel)}:${lineNo}: ${shownLine(shown)}`)) return false;
      }
      start = end + 1;
    }
    return true;
  }
}
