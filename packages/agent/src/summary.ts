import { plural } from "@mcp-toolkit/core";
import { ATTR, TOKEN_USAGE, TOOL_CALL_DURATION } from "./metric-names.js";

/** Token counts as the Messages API reports them. */
export interface Usage {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** The usage figures of one reply, as the Messages API reports them. */
export interface ApiUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/**
 * All the input tokens of a reply, those written to and read from the prompt cache included: the API's `input_tokens`
 * counts only those after the last cache breakpoint, while the GenAI conventions count the whole prompt.
 */
export const inputTokens = (u: ApiUsage): number =>
  (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);

/** One tool's calls as the model made them; those a server was sent are `mcp.client.operation.duration`'s. */
export interface ToolStats {
  /** Where the tool lives (the metric's `mcp_toolkit.server` and `gen_ai.tool.name`), for a tool a server offers. */
  target?: ToolTarget;
  calls: number;
  errors: number;
  /** The failed calls by `error.type`. */
  errorTypes: Map<string, number>;
  totalMs: number;
}

/** A server and its name for the tool (the model calls it `server__tool`). */
export interface ToolTarget {
  server: string;
  tool: string;
}

/** USD per million tokens: input, output (cache writes cost 1.25× input, reads 0.1×). */
const PRICES: [RegExp, number, number][] = [
  [/opus-4-[01]|opus-3/, 15, 75],
  [/opus/, 5, 25],
  [/sonnet/, 3, 15],
  [/haiku-3-5|haiku-3\b/, 0.8, 4],
  [/haiku/, 1, 5],
];

/** Whether the agent knows a list price for the model id (so estimateCost gives a figure). */
export function knowsPrice(model: string): boolean {
  return PRICES.some(([pattern]) => pattern.test(model));
}

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
  /** Replies the model gave: a request that failed is not a turn. */
  turns = 0;
  retries = 0;
  /** Replies that started but never ended (Ctrl-C, a stream cut off or stalled): their tokens are in `usage` too. */
  interruptedReplies = 0;
  readonly usage: Usage = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  readonly tools = new Map<string, ToolStats>();
  /** Per server whose circuit breaker opened: how often, and how many calls it refused. */
  readonly breakers = new Map<string, { opened: number; refused: number }>();

  /** Tokens the run's model requests used: input (cached included) and output, as --token-budget counts them. */
  get tokensUsed(): number {
    return allInput(this.usage) + this.usage.output;
  }

  /** Add one response's usage. */
  addUsage(u: ApiUsage): void {
    this.usage.input += u.input_tokens ?? 0;
    this.usage.output += u.output_tokens ?? 0;
    this.usage.cacheWrite += u.cache_creation_input_tokens ?? 0;
    this.usage.cacheRead += u.cache_read_input_tokens ?? 0;
  }

  /**
   * Add the usage of a reply that started and then broke off, as far as the API reported it (message_start's, and
   * any message_delta's after): its input was billed though no message came of it.
   */
  addInterrupted(u: Parameters<RunStats["addUsage"]>[0]): void {
    this.interruptedReplies++;
    this.addUsage(u);
  }

  /** Record one tool call: `errorType` (the metric's `error.type`) when it failed. */
  addCall(name: string, ms: number, errorType?: string, target?: ToolTarget): void {
    const s: ToolStats = this.tools.get(name) ?? { calls: 0, errors: 0, errorTypes: new Map(), totalMs: 0 };
    if (target) s.target = target;
    s.calls++;
    if (errorType !== undefined) {
      s.errors++;
      s.errorTypes.set(errorType, (s.errorTypes.get(errorType) ?? 0) + 1);
    }
    s.totalMs += ms;
    this.tools.set(name, s);
  }

  /** Count a server's breaker opening (again) or a call it refused. */
  addBreaker(server: string, event: "opened" | "refused"): void {
    const b = this.breakers.get(server) ?? { opened: 0, refused: 0 };
    b[event]++;
    this.breakers.set(server, b);
  }

  /**
   * A plain-data copy for --json. Figures the agent also exports as metrics go by the metric's name and attributes:
   * tokens by `gen_ai.token.type`, tool calls keyed as the model names them, each with the metric's attributes.
   */
  toJSON(model: string) {
    return {
      turns: this.turns,
      retries: this.retries,
      interruptedReplies: this.interruptedReplies,
      [TOKEN_USAGE]: { input: allInput(this.usage), output: this.usage.output },
      // Not in the metric (its token types are input and output): named as on the chat spans.
      "gen_ai.usage.cache_creation.input_tokens": this.usage.cacheWrite,
      "gen_ai.usage.cache_read.input_tokens": this.usage.cacheRead,
      costUsd: estimateCost(model, this.usage),
      [TOOL_CALL_DURATION]: Object.fromEntries(
        [...this.tools].map(([name, s]) => [
          name,
          {
            ...(s.target ? { [ATTR.server]: s.target.server, [ATTR.tool]: s.target.tool } : {}),
            calls: s.calls,
            errors: s.errors,
            [ATTR.errorType]: Object.fromEntries(s.errorTypes),
            mean_s: Math.round(s.totalMs / s.calls) / 1000,
          },
        ]),
      ),
      breakers: Object.fromEntries(this.breakers),
    };
  }
}

/** The whole prompt's tokens of a run: those cached included, as `gen_ai.client.token.usage` counts them. */
const allInput = (u: Usage) => u.input + cachedTokens(u);

/** The input tokens written to or read from the prompt cache: in tokensUsed (--token-budget) at full weight. */
export const cachedTokens = (u: Usage) => u.cacheWrite + u.cacheRead;

/** 1234567 → "1,234,567", without toLocaleString: its first call starts ICU (16–110 ms at exit). */
export const n = (x: number) => String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** The summary block printed at the end of a run, in the metrics' words (see README, "Observe a run"). */
export function formatSummary(stats: RunStats, model: string): string {
  const lines = [`── ${plural(stats.turns, "turn")} · ${model}`];
  for (const [name, s] of stats.tools) {
    lines.push(`   ${name}: ${plural(s.calls, "call")}${errorsPhrase(s)}, mean ${Math.round(s.totalMs / s.calls)} ms`);
  }
  for (const [server, b] of stats.breakers) {
    lines.push(`   ${server}: unavailable ${b.opened}× (circuit breaker), ${plural(b.refused, "call")} failed fast`);
  }
  const u = stats.usage;
  const cost = estimateCost(model, u);
  lines.push(
    `   tokens: ${n(allInput(u))} input, ${n(u.output)} output, cache ${n(u.cacheWrite)} written / ${n(u.cacheRead)} read` +
      (cost === undefined ? " · cost: unknown model price" : ` · est. cost $${cost.toFixed(4)}`) +
      (stats.retries ? ` · ${stats.retries} API retr${stats.retries === 1 ? "y" : "ies"}` : "") +
      (stats.interruptedReplies
        ? ` · incl. ${plural(stats.interruptedReplies, "interrupted reply", "interrupted replies")}`
        : ""),
  );
  return lines.join("\n");
}

/** ", 2 errors (1 tool_error, 1 ToolCallError)", or nothing without errors. */
function errorsPhrase(s: ToolStats): string {
  if (s.errors === 0) return "";
  const types = [...s.errorTypes].map(([type, count]) => (s.errorTypes.size === 1 ? type : `${count} ${type}`));
  return `, ${plural(s.errors, "error")} (${types.join(", ")})`;
}
