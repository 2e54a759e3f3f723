// @ts-expect-error: parse-prometheus-text-format ships no types; its result is typed below.
import parsePrometheusText from "parse-prometheus-text-format";

// A scrape, parsed by a Prometheus text-format parser (not our own registry), for the metrics tests.

/** One sample: its labels and value. */
export interface Sample {
  labels?: Record<string, string>;
  value?: string;
}

/** One metric family of a scrape. */
export interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}

/**
 * Parse Prometheus text into families by name. The parser folds a labelled histogram's series into one (losing
 * their labels), so its samples are read a second time with the histogram declarations left out: each
 * `_bucket`, `_sum` and `_count` series is then a family of its own, labels kept, next to the typed histogram.
 */
export function parseScrape(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const histograms = new Set<string>();
  for (const family of parsePrometheusText(text) as Family[]) {
    if (family.type === "HISTOGRAM") histograms.add(family.name);
    families.set(family.name, family.type === "HISTOGRAM" ? { ...family, metrics: [] } : family);
  }
  const series = text.replace(/^# (?:TYPE|HELP) (\S+) .*\n/gm, (line, name: string) =>
    histograms.has(name) ? "" : line,
  );
  for (const family of parsePrometheusText(series) as Family[]) {
    if (!/_(?:bucket|sum|count)$/.test(family.name) || !histograms.has(family.name.replace(/_[a-z]+$/, ""))) continue;
    const known = families.get(family.name);
    if (known) known.metrics.push(...family.metrics);
    else families.set(family.name, { ...family, metrics: [...family.metrics] });
  }
  return families;
}

/** The value of the sample of `name` whose labels include `labels` (a histogram's: `<name>_count`); 0 when absent. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string>): number {
  const sample = families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return Number(sample?.value ?? 0);
}
