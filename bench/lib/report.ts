import { cpus, loadavg } from "node:os";
import type { FigureResult } from "./figure.js";
import { fmt, fmtRatio } from "./stats.js";

/** The machine and run facts recorded next to the numbers. */
export interface RunInfo {
  date: string;
  quick: boolean;
  node: string;
  cpus: number;
  cpuModel: string;
  loadavgStart: number[];
  loadavgEnd?: number[];
  commit?: string;
  seconds?: number;
  /** Whether a built file under packages/ changed while the bench ran (someone rebuilt): the run is then suspect. */
  rebuiltDuringRun?: boolean;
}

/** Facts about this machine at the start of a run. */
export function runInfo(quick: boolean): RunInfo {
  return {
    date: new Date().toISOString(),
    quick,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    loadavgStart: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/** The results table: figure, ours, peer, ratio, goal, pass/fail, note. */
export function formatTable(results: readonly FigureResult[]): string {
  const header = ["figure", "ours", "peer", "ratio", "goal", "result", "note"];
  const rows = results.map((r) => {
    if (r.na)
      return [r.title, "—", "—", "n/a", r.goal, "n/a", `${r.na.kind === "error" ? "error: " : ""}${r.na.reason}`];
    return [
      r.title,
      `${fmt(r.ours ?? Number.NaN)} ${r.unit}`,
      `${fmt(r.peer ?? Number.NaN)} ${r.unit}`,
      `${fmtRatio(r.ratio ?? Number.NaN)}${r.ratioIqr ? ` [${fmtRatio(r.ratioIqr[0])}–${fmtRatio(r.ratioIqr[1])}]` : ""}`,
      r.goal,
      r.pass === null ? "info" : r.pass ? "PASS" : "FAIL",
      r.note ?? "",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
