import { type Progress, plural } from "@mcp-toolkit/core";

/**
 * search_files' progress: the entries its walk has seen plus the lines its grep has tested, so that a search spending
 * its time in a few big files (where the walk stands still) is still seen to move. The sum only ever grows, as the
 * protocol requires of progress; the message says which is which.
 */
export class SearchProgress {
  private entries = 0;
  /** Lines of the batches that have ended. */
  private lines = 0;
  /** Lines of the batch running now. */
  private batch = 0;

  constructor(private readonly progress: Progress) {}

  /** What the walk is given: it reports the entries it has seen. */
  readonly walk: Progress = {
    report: (visited) => {
      this.entries = visited;
      this.send();
    },
    during: (work) => work,
  };

  /** The running batch has tested `lines` lines so far. */
  batchLines(lines: number): void {
    this.batch = lines;
    this.send();
  }

  /** The running batch ended: its lines are counted from now on whatever comes next. */
  batchDone(): void {
    this.lines += this.batch;
    this.batch = 0;
  }

  private send(): void {
    const lines = this.lines + this.batch;
    const seen = `${plural(this.entries, "entry", "entries")} seen`;
    this.progress.report(
      this.entries + lines,
      undefined,
      lines === 0 ? seen : `${seen}, ${plural(lines, "line")} searched`,
    );
  }
}
