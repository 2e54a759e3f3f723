// --max-budget-usd: a limit on the run's estimated spend, checked where --token-budget is (before each model
// request), from the same list prices as the summary's estimated cost. Pure.
import { UsageError } from "@mcp-toolkit/core";
import { estimateCost, knowsPrice, type Usage } from "./summary.js";

/** The largest --max-budget-usd taken: beyond it a typo (a missing dot) is likelier than a budget. */
export const MAX_BUDGET_USD = 10_000;

/**
 * The dollars `text` gives (`5`, `0.50`, `.25`), for the run's `model`; a UsageError, saying what to give, for
 * anything else, for zero or more than MAX_BUDGET_USD, and for a model whose price the agent does not know (no
 * estimate could ever reach the limit).
 */
export function parseBudgetUsd(text: string, model: string): number {
  const usd = /^\s*\$?(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text.trim().replace(/^\$/, "")) : Number.NaN;
  if (!(usd > 0 && usd <= MAX_BUDGET_USD)) {
    throw new UsageError(
      `--max-budget-usd ${JSON.stringify(text)}: give dollars, more than 0 and at most ${MAX_BUDGET_USD.toLocaleString("en-US")}, like 5 or 0.50`,
    );
  }
  if (!knowsPrice(model)) {
    throw new UsageError(
      `--max-budget-usd: the agent knows no price for model ${JSON.stringify(model.slice(0, 80))} (it knows the Opus, Sonnet and Haiku families), so it cannot estimate what the run spends; use --token-budget instead`,
    );
  }
  return usd;
}

/** The run's estimated spend in USD, when it has reached `budget`; else undefined (no budget, or below it). */
export function costSpent(model: string, usage: Usage, budget: number | undefined): number | undefined {
  if (budget === undefined) return undefined;
  const spent = estimateCost(model, usage);
  return spent !== undefined && spent >= budget ? spent : undefined;
}

/** Why a task stopped at --max-budget-usd, and what to do; the budget is the run's, as --token-budget's is. */
export function costReason(spent: number, budget: number, interactive: boolean): string {
  const next = interactive
    ? "start a new session with a larger --max-budget-usd to go on (every later ask here stops the same way)"
    : "raise --max-budget-usd or split the task";
  return `stopped: the run's model requests have used an estimated $${spent.toFixed(4)} at list prices, reaching --max-budget-usd ${budget}; ${next}`;
}
