// Which traces are kept, as OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG say. Left to the SDK, a value it cannot
// use is a diagnostic no one sees and every trace is then kept (its default): `traceidratio` with an argument of `10%`,
// meant as a tenth, exported them all, and `ALWAYS_OFF` exported everything too, the SDK matching only lower case. It
// also read them from process.env, whatever environment the caller gave. Read here instead, from that environment:
// a value we cannot honour stops start-up in one line, as the other OTEL_* settings do. Pure; nothing is loaded.
import { UsageError } from "./cli-options.js";

/** The samplers the SDK offers, as OTEL_TRACES_SAMPLER names them. */
export const SAMPLER_NAMES = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;

export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** The sampler asked for: whether it follows the caller's decision, and the share of new traces it keeps (0 to 1). */
export interface TraceSampler {
  name: SamplerName;
  /** A `parentbased_` sampler keeps a trace its caller kept and drops one it dropped, so a trace stays whole. */
  parentBased: boolean;
  /** The share of traces this process starts that are kept: 1 (always_on), 0 (always_off), or the ratio given. */
  ratio: number;
  /** OTEL_TRACES_SAMPLER_ARG as given, when the sampler is not a ratio one and so ignores it (samplerWarning). */
  ignoredArg?: string;
}

/** The specification's default: follow the caller, keep every trace started here. */
const DEFAULT_SAMPLER = "parentbased_always_on";

/** OTEL_TRACES_SAMPLER (any case) and, for the ratio samplers, OTEL_TRACES_SAMPLER_ARG (default 1). */
export function traceSamplerFrom(env: Record<string, string | undefined>): TraceSampler {
  const given = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() || DEFAULT_SAMPLER;
  const name = SAMPLER_NAMES.find((known) => known === given);
  if (!name) {
    throw new UsageError(`OTEL_TRACES_SAMPLER must be one of ${SAMPLER_NAMES.join(", ")}, got "${given}"`);
  }
  const parentBased = name.startsWith("parentbased_");
  const root = name.replace("parentbased_", "");
  const ratio = root === "always_on" ? 1 : root === "always_off" ? 0 : samplerRatio(env.OTEL_TRACES_SAMPLER_ARG);
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  return { name, parentBased, ratio, ...(arg && root !== "traceidratio" ? { ignoredArg: arg } : {}) };
}

/**
 * The start-up warning for an OTEL_TRACES_SAMPLER_ARG the sampler ignores, as the specification has it (a `0.1` with
 * the default sampler keeps every trace), or undefined: one who sets it most likely meant to keep a share. Pure.
 */
export function samplerWarning(sampler: TraceSampler): string | undefined {
  if (sampler.ignoredArg === undefined) return undefined;
  const shown = JSON.stringify(sampler.ignoredArg.slice(0, 40));
  return `OTEL_TRACES_SAMPLER_ARG=${shown} is ignored: the sampler ${sampler.name} keeps ${sampler.ratio === 1 ? "every" : "no"} trace this process starts, whatever its argument; for a share, set OTEL_TRACES_SAMPLER=parentbased_traceidratio`;
}

/** OTEL_TRACES_SAMPLER_ARG for a ratio sampler: a number from 0 to 1 (0.1 keeps one trace in ten); 1 when unset. */
function samplerRatio(text: string | undefined): number {
  const trimmed = text?.trim();
  if (!trimmed) return 1;
  const ratio = /^(\d+(\.\d*)?|\.\d+)$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (ratio >= 0 && ratio <= 1) return ratio;
  throw new UsageError(
    `OTEL_TRACES_SAMPLER_ARG must be the share of traces to keep, a number from 0 to 1 (0.1 keeps one in ten), got "${trimmed}"`,
  );
}
