/** Median of a non-empty sample (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty sample");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The q-quantile (0…1) of a non-empty sample, interpolating between neighbours. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error("quantile of an empty sample");
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/**
 * The ratio of two interleaved samples: the median of the per-pair ratios ours[i] / peer[i]. Each pair ran back to
 * back, so a load spike that hits one pair cancels within it instead of skewing either side's median.
 */
export function pairedRatio(samples: { ours: readonly number[]; peer: readonly number[] }): {
  ratio: number;
  q1: number;
  q3: number;
} {
  const ratios = samples.ours.map((o, i) => o / (samples.peer[i] as number));
  return { ratio: median(ratios), q1: quantile(ratios, 0.25), q3: quantile(ratios, 0.75) };
}

/**
 * Run `ours` and `peer` alternately, `runs` times each, in ABBA order (ours, peer, peer, ours, …) so that drift
 * of a shared machine and any first-mover advantage (warm caches) fall on both sides alike.
 */
export async function interleave(
  runs: number,
  ours: () => Promise<number>,
  peer: () => Promise<number>,
): Promise<{ ours: number[]; peer: number[] }> {
  const out = { ours: [] as number[], peer: [] as number[] };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      out.ours.push(await ours());
      out.peer.push(await peer());
    } else {
      out.peer.push(await peer());
      out.ours.push(await ours());
    }
  }
  return out;
}

/** Both sides' medians next to the samples they come from: the core of every figure's result. */
export function summarize(samples: { ours: number[]; peer: number[] }): {
  ours: number;
  peer: number;
  samples: { ours: number[]; peer: number[] };
} {
  return { ours: median(samples.ours), peer: median(samples.peer), samples };
}

/** Time `count` calls of `fn` with at most `inFlight` pending at once; returns elapsed milliseconds. */
export async function timeCalls(count: number, inFlight: number, fn: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await fn();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return performance.now() - start;
}

/** A ratio for the table: three significant digits, so a value near its goal shows which side it falls on. */
export function fmtRatio(value: number): string {
  return Number.isFinite(value) ? value.toPrecision(3) : String(value);
}

/** A number rounded for the table: 3 significant digits below 100, whole numbers above. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString("en-US");
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}
