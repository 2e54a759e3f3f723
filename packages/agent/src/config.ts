import type { StartFailure } from "./pool-options.js";
import type { ServerSpec } from "./servers-file.js";

export type { HttpServerSpec, ServerSpec, StdioServerSpec } from "./servers-file.js";

/** Default model: a current Claude Sonnet id from the SDK's Model list. */
export const DEFAULT_MODEL = "claude-sonnet-5-5";

/** Everything the agent needs, resolved from flags, environment and mcp.json. */
export interface AgentConfig {
  task: string | undefined;
  workspace: string;
  servers: ServerSpec[];
  model: string;
  baseURL: string | undefined;
  apiKey: string | undefined;
  authToken: string | undefined;
  maxTurns: number;
  /**
   * Tokens (input, cached ones each counted in full, and output) the run's model requests may use in all; undefined:
   * no limit.
   */
  tokenBudget?: number | undefined;
  /** --max-budget-usd: estimated dollars (list prices) the run's model requests may spend. */
  costBudgetUsd?: number | undefined;
  maxTokens: number;
  thinking: number | undefined;
  toolTimeoutMs: number;
  startupTimeoutMs: number;
  outputBudgetTokens: number;
  maxRetries: number;
  readOnly: boolean;
  ask: boolean;
  /** Hosts the built-in api server may reach (its --allow-hosts); empty: any public host. */
  allowHosts: string[];
  strict: boolean;
  auditFile: string;
  json: boolean;
  verbose: boolean;
  toolSearch: "auto" | "on" | "off";
  /** Servers may ask the run's model for completions (sampling), within samplingBudget tokens in all. */
  allowSampling: boolean;
  samplingBudget: number;
  /** How long a started streamed reply may send nothing (default STREAM_IDLE_MS; tests shorten it). */
  streamIdleMs?: number | undefined;
  /** The servers file read (--config, or ./mcp.json when there is one), absolute; undefined when none was. */
  serversFile?: string | undefined;
  /** Its entries left out for an unset `${VAR}` without a default: each a failed start, in words that say why. */
  unsetServers?: StartFailure[] | undefined;
}

/** The one-line hint printed when neither credential is set. */
export const MISSING_KEY =
  "no API key: set ANTHROPIC_API_KEY (export ANTHROPIC_API_KEY=sk-ant-…), or ANTHROPIC_AUTH_TOKEN for a gateway that takes a bearer token";
