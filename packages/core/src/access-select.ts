// The access options judged: who authenticates how (auth-select.ts), the policy file, and each caller's limits, with
// the setting each limit came from, so that a refusal names the one the operator set.
import { ACCESS_OPTIONS, type AccessChoice, type AccessValues } from "./access-options.js";
import { selectAuth } from "./auth-select.js";
import { CALLER_MIN_BURST } from "./caller-limits.js";
import { UsageError } from "./cli-options.js";
import { parseRateLimit } from "./rate-limit.js";
import { wholeNumberOption } from "./whole-number.js";

/** Decide authentication, roles and limits from options and the environment; throws UsageError in one line. */
export function selectAccess(values: AccessValues, env: Record<string, string | undefined>): AccessChoice {
  const choice: AccessChoice = { auth: selectAuth(values, env) };
  const policyFile = values["auth-policy"]?.trim();
  if (policyFile) choice.policyFile = policyFile;
  try {
    const rate = parseRateLimit(values["caller-rate-limit"], CALLER_MIN_BURST);
    if (rate) choice.rate = rate;
  } catch (error) {
    throw new UsageError(`--caller-rate-limit (MCP_RATE_LIMIT): ${(error as Error).message}`);
  }
  if (values["max-concurrent-per-caller"]?.trim()) {
    choice.maxConcurrent = wholeNumberOption(ACCESS_OPTIONS, values, "max-concurrent-per-caller", { min: 1 });
  }
  if (values["max-streams-per-caller"]?.trim()) {
    choice.maxStreams = wholeNumberOption(ACCESS_OPTIONS, values, "max-streams-per-caller", { min: 1 });
  }
  const names = {
    ...(choice.rate ? { rate: settingInForce(values, env, "caller-rate-limit") } : {}),
    ...(choice.maxConcurrent ? { maxConcurrent: settingInForce(values, env, "max-concurrent-per-caller") } : {}),
    ...(choice.maxStreams ? { maxStreams: settingInForce(values, env, "max-streams-per-caller") } : {}),
  };
  if (names.rate || names.maxConcurrent || names.maxStreams) choice.limitNames = names;
  return choice;
}

/**
 * The setting a value came from: its variable when the value is the environment's (the flag, given, wins over the
 * variable, so a value equal to the variable's came from it or says the same), else the flag.
 */
function settingInForce(
  values: AccessValues,
  env: Record<string, string | undefined>,
  key: "caller-rate-limit" | "max-concurrent-per-caller" | "max-streams-per-caller",
): string {
  const variable = ACCESS_OPTIONS[key].env;
  return variable && env[variable] !== undefined && env[variable] === values[key] ? variable : `--${key}`;
}
