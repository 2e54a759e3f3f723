import { median } from "./stats.js";

/**
 * Print each build's server CPU per call (µs, one value per round) as its median, and each build after the first as
 * the median of its per-round ratios to the first: builds measured in the same round share the machine's drift.
 */
export function reportBuilds(builds: readonly string[], perCall: readonly number[][], digits: number): void {
  const first = perCall[0] ?? [];
  builds.forEach((build, i) => {
    const own = perCall[i] ?? [];
    const ratio = i === 0 ? "" : `, ${median(own.map((us, k) => us / (first[k] as number))).toFixed(3)}× the first`;
    console.log(`${build}: ${median(own).toFixed(digits)} µs server CPU per call (median of ${own.length})${ratio}`);
  });
}
