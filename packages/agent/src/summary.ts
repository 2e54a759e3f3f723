/** Token counts as the Messages API reports them. */
export interface Usage {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** Per-tool call statistics. */
export interface ToolStats {
  calls: number;
  errors: number;
  totalMs: number;
}

/** USD per million tokens: input, output (cache writes cost 1.25× input, reads 0.1×). */
const PRICES: [RegExp, number, number][] = [
  [/opus-4-[01]|opus-3/, 15, 75],
  [/opus/, 5, 25],
  [/sonnet/, 3, 15],
  [/haiku-3-5|haiku-3\b/, 0.8, 4],
  [/haiku/, 1, 5],
];

/** Estimated cost in USD for a model id, or undefined for a model without a known price. */
export function estimateCost(model: string, usage: Usage): number | undefined {
  const price = PRICES.find(([pattern]) => pattern.test(model));
  if (!price) return undefined;
  const [, input, output] = price;
  return (
    (usage.input * input + usage.cacheWrite * input * 1.25 + usage.cacheRead * input * 0.1 + usage.output * output) /
    1_000_000
  );
}

/** Counts for the end-of-run summary. */
export class RunStats {
  turns = 0;
  retries = 0;
  readonly usage: Usage = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  readonly tools = new Map<string, ToolStats>();
  /** Per server whose circuit breaker opened: how often, and how many calls it refused. */
  readonly breakers = new Map<string, { opened: number; refused: number }>();

  /** Add one response's usage. */
  addUsage(u: {
    input_tokens?: number | null;
    output_tokens?: number | null;
    cache_creation_input_tokens?: number | null;
    cache_read_input_tokens?: number | null;
  }): void {
    this.usage.input += u.input_tokens ?? 0;
    this.usage.output += u.output_tokens ?? 0;
    this.usage.cacheWrite += u.cache_creation_input_tokens ?? 0;
    this.usage.cacheRead += u.cache_read_input_tokens ?? 0;
  }

  /** Record one tool call. */
  addCall(name: string, ok: boolean, ms: number): void {
    const s = this.tools.get(name) ?? { calls: 0, errors: 0, totalMs: 0 };
    s.calls++;
    if (!ok) s.errors++;
    s.totalMs += ms;
    this.tools.set(name, s);
  }

  /** Count a server's breaker opening (again) or a call it refused. */
  addBreaker(server: string, event: "opened" | "refused"): void {
    const b = this.breakers.get(server) ?? { opened: 0, refused: 0 };
    b[event]++;
    this.breakers.set(server, b);
  }

  /** A plain-data copy for --json. */
  toJSON(model: string) {
    return {
      turns: this.turns,
      retries: this.retries,
      usage: { ...this.usage },
      costUsd: estimateCost(model, this.usage),
      tools: Object.fromEntries(
        [...this.tools].map(([name, s]) => [
          name,
          { calls: s.calls, errors: s.errors, meanMs: Math.round(s.totalMs / s.calls) },
        ]),
      ),
      breakers: Object.fromEntries(this.breakers),
    };
  }
}

/** 1234567 → "1,234,567", without toLocaleString: its first call starts ICU (16–110 ms at exit). */
export const n = (x: number) => String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** The summary block printed at the end of a run. */
export function formatSummary(stats: RunStats, model: string): string {
  const lines = [`── ${stats.turns} turn${stats.turns === 1 ? "" : "s"} · ${model}`];
  for (const [name, s] of stats.tools) {
    const errors = s.errors ? `, ${s.errors} error${s.errors === 1 ? "" : "s"}` : "";
    lines.push(
      `   ${name}: ${s.calls} call${s.calls === 1 ? "" : "s"}${errors}, mean ${Math.round(s.totalMs / s.calls)} ms`,
    );
  }
  for (const [server, b] of stats.breakers) {
    lines.push(
      `   ${server}: unavailable ${b.opened}× (circuit breaker), ${b.refused} call${b.refused === 1 ? "" : "s"} failed fast`,
    );
  }
  const u = stats.usage;
  const cost = estimateCost(model, u);
  lines.push(
    `   tokens: ${n(u.input)} in, ${n(u.output)} out, cache ${n(u.cacheWrite)} written / ${n(u.cacheRead)} read` +
      (cost === undefined ? " · cost: unknown model price" : ` · est. cost $${cost.toFixed(4)}`) +
      (stats.retries ? ` · ${stats.retries} API retr${stats.retries === 1 ? "y" : "ies"}` : ""),
  );
  return lines.join("\n");
}
