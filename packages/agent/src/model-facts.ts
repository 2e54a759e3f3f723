import { oneLine } from "./one-line.js";

/** What the Models API says of a model: its largest prompt in tokens, and where it is in its life. */
export interface ModelFacts {
  maxInput?: number;
  lifecycle?: "active" | "deprecated" | "retired";
  retiresAt?: string;
}

const positive = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : undefined;

/** The facts of a `GET /v1/models/{id}` answer; fields missing or of the wrong shape (a gateway's answer) are left out. */
export function modelFacts(info: unknown): ModelFacts {
  const o = (info ?? {}) as Record<string, unknown>;
  const facts: ModelFacts = {};
  const maxInput = positive(o.max_input_tokens);
  if (maxInput) facts.maxInput = maxInput;
  if (o.lifecycle === "active" || o.lifecycle === "deprecated" || o.lifecycle === "retired") {
    facts.lifecycle = o.lifecycle;
  }
  if (typeof o.retires_at === "string" && !Number.isNaN(Date.parse(o.retires_at))) facts.retiresAt = o.retires_at;
  return facts;
}

/** One line for a model that is deprecated or retired, saying what to do; undefined for an active one. */
export function lifecycleNotice(model: string, facts: ModelFacts): string | undefined {
  const name = oneLine(model, 80);
  const choose = "choose a current model with --model or ANTHROPIC_MODEL";
  if (facts.lifecycle === "retired") return `model ${name} is retired, so its requests fail: ${choose}`;
  if (facts.lifecycle !== "deprecated") return undefined;
  const when = facts.retiresAt ? ` (retirement scheduled for ${facts.retiresAt.slice(0, 10)})` : "";
  return `model ${name} is deprecated${when}: ${choose}`;
}
