import type { Budget } from "./budget.js";
import type { BatchLines, LinesDone } from "./search-pattern.js";

/** A file read for a grep, waiting to be matched with others. */
export interface QueuedFile {
  rel: string;
  text: string;
  /** Files the grep had skipped when this one was read: the count to report if the results fill up in it. */
  skipped: number;
  /** Of those, the files it could not read. */
  unreadable: number;
}

/** Files that wait for one regex run together; a run's timeout costs more to arm than a small file takes to scan. */
const BATCH_FILES = 256;
/** Characters that wait at most, bounding the memory a batch holds. */
const BATCH_CHARS = 4 * 1024 * 1024;

/**
 * Files read for a grep and not yet matched, in walk order. They go as one batch when many wait, or when the call
 * has held the event loop for its turn, so a batch costs no more of others' time than the reads alone did.
 */
export class GrepQueue {
  private files: QueuedFile[] = [];
  private chars = 0;

  add(file: QueuedFile): void {
    this.files.push(file);
    this.chars += file.text.length;
  }

  /** Whether the waiting files should be matched now. */
  due(budget: Budget): boolean {
    return this.files.length >= BATCH_FILES || this.chars >= BATCH_CHARS || (this.files.length > 0 && budget.turnDue);
  }

  /** The waiting files, which leave the queue. */
  take(): QueuedFile[] {
    const files = this.files;
    this.files = [];
    this.chars = 0;
    return files;
  }
}

/** How a batch ended: every file reported, `report` refused one (`full`), or the run stopped before `stoppedAt`. */
export type BatchOutcome =
  | { kind: "done" }
  | { kind: "full"; file: QueuedFile }
  | { kind: "stopped"; stopped: NonNullable<BatchLines["stopped"]>; file: QueuedFile };

/**
 * Match `files` in one run (`onLines` hears how many lines it has tested) and hand each finished file's hits to
 * `report` in order, as a grep file by file would:
 * the first file `report` refuses ends the batch, and so the files after it (which a file-by-file grep would not
 * have read) change nothing, not even when the regex timed out on one of them.
 */
export async function grepBatch(
  files: QueuedFile[],
  lines: (texts: readonly string[], budget: Budget, onLines?: LinesDone) => Promise<BatchLines>,
  budget: Budget,
  report: (file: QueuedFile, hits: number[], at: number[], cut: number[]) => boolean,
  onLines?: LinesDone,
): Promise<BatchOutcome> {
  const { hits, at, cut, stopped } = await lines(
    files.map((f) => f.text),
    budget,
    onLines,
  );
  for (const [index, found] of hits.entries()) {
    const file = files[index] as QueuedFile;
    if (!report(file, found, at[index] ?? [], cut[index] ?? [])) return { kind: "full", file };
  }
  const file = files[hits.length];
  return stopped && file ? { kind: "stopped", stopped, file } : { kind: "done" };
}
