import type { Connected, ServerCommand } from "./servers.js";

/** What a figure is compared against and what counts as winning. */
export type Goal =
  | { kind: "max"; ratio: number } // ours / peer must be at most this
  | { kind: "min"; ratio: number } // ours / peer must be at least this
  | { kind: "report"; text: string } // no threshold: the number is the deliverable
  | { kind: "check"; text: string }; // pass/fail decided by the figure itself (e.g. connection reuse)

/** What one figure measured: medians for both sides, in `unit`, and the raw samples. */
export interface Measured {
  ours: number;
  peer: number;
  /** Set by "check" figures; otherwise the goal decides from the ratio. */
  pass?: boolean;
  /** One line of context: overheads, connection counts, per-server sizes. */
  note?: string;
  samples?: { ours: number[]; peer: number[] };
}

/** One row of the results table. */
export interface FigureResult {
  id: string;
  title: string;
  unit: string;
  ours: number | null;
  peer: number | null;
  /** Median of per-pair ratios when there are paired samples, else ours / peer. */
  ratio: number | null;
  /** Interquartile range of the per-pair ratios: how much the machine moved the ratio. */
  ratioIqr?: [number, number];
  /** ours / peer of the medians, for comparison. */
  ratioOfMedians?: number;
  goal: string;
  pass: boolean | null;
  note?: string;
  /** Why there is no number: a tool or bin that has not landed yet ("missing"), or a failure ("error"). */
  na?: { kind: "missing" | "error"; reason: string };
  samples?: { ours: number[]; peer: number[] };
  seconds: number;
}

/** Run-wide settings handed to every figure. */
export interface BenchContext {
  quick: boolean;
  /** Repo root (absolute). */
  root: string;
  /** A scratch directory for this run, removed at the end. */
  tmp: string;
  /** Progress line on stderr. */
  log(message: string): void;
  /** A connected server shared by the figures of this run (started once, closed at the end). */
  server(command: ServerCommand): Promise<Connected>;
  /**
   * Anything else the figures of this run share (an HTTP server, a load driver), started by `start` on first use of
   * `key` and closed at the end.
   */
  shared<T extends { close(): Promise<void> }>(key: string, start: () => Promise<T>): Promise<T>;
  /** How many interleaved runs per side: `full` normally, fewer with --quick. */
  runs(full: number): number;
}

/** A benchmark figure: identity, goal, and how to measure it. */
export interface FigureSpec {
  id: string;
  title: string;
  unit: string;
  /** Which side the peer is, for the table ("official fs", "better-sqlite3", …). */
  peerName: string;
  goal: Goal;
  measure(ctx: BenchContext): Promise<Measured>;
}

/** Thrown when a figure cannot run yet because a bin or tool it needs is not there. */
export class Unavailable extends Error {
  override name = "Unavailable";
}

/** Turn a goal into its table text. */
export function goalText(goal: Goal): string {
  switch (goal.kind) {
    case "max":
      return `≤ ${goal.ratio}`;
    case "min":
      return `≥ ${goal.ratio}`;
    default:
      return goal.text;
  }
}

/** Decide pass/fail: by ratio for max/min goals, by the figure for checks, none for report-only figures. */
export function judge(goal: Goal, ratio: number, measured: Measured): boolean | null {
  switch (goal.kind) {
    case "max":
      return ratio <= goal.ratio;
    case "min":
      return ratio >= goal.ratio;
    case "check":
      return measured.pass ?? null;
    case "report":
      return null;
  }
}
