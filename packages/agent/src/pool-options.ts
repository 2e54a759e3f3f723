import type {
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  LoggingLevel,
} from "@modelcontextprotocol/client";
import type { Era } from "./mcp-client.js";
import type { ServerBreakerOptions } from "./server-breakers.js";

/** A server that could not start, in words for one line. */
export interface StartFailure {
  server: string;
  line: string;
  /** The line's reason alone, without the server's name and command. */
  why?: string | undefined;
}

/** How the pool starts servers. */
export interface PoolOptions {
  startupTimeoutMs: number;
  env: Record<string, string | undefined>;
  /** Server stderr lines (shown with --verbose). */
  onStderr?: ((server: string, line: string) => void) | undefined;
  /** A restart happened, or a remote server's broken event stream is being reopened: one line for people. */
  onNotice?: ((message: string) => void) | undefined;
  /** A server is up: its tool count, ms since it was spawned, whether from a snapshot and its era (--verbose). */
  onReady?: ((server: string, ready: ReadyInfo) => void) | undefined;
  /** What the agent offers servers besides calls (elicitation, sampling, roots, logging); none in bare tests. */
  host?: HostHooks | undefined;
  /** The circuit breaker per server: its settings, clock and listeners (server-breakers.ts). */
  breaker?: ServerBreakerOptions | undefined;
}

/** The agent's side of server-to-client requests and notifications, told which server is asking. */
export interface HostHooks {
  /**
   * Ask the user; undefined when the agent asks nothing (no terminal, --json, CI), and then elicitation is not offered at all.
   * `callsEnded`: aborted when the server's calls in flight have all ended, so a question still open is stale.
   */
  elicit?:
    | ((server: string, params: ElicitRequestFormParams, callsEnded?: AbortSignal) => Promise<ElicitResult>)
    | undefined;
  sample?: ((server: string, params: CreateMessageRequestParams) => Promise<CreateMessageResult>) | undefined;
  roots: { uri: string; name: string }[];
  onLog(server: string, level: LoggingLevel, data: unknown, logger: string | undefined): void;
}

/** How a call reports progress: the server's numbers and message. */
export type OnProgress = (progress: {
  progress: number;
  total?: number | undefined;
  message?: string | undefined;
}) => void;

/** What --verbose says about a server that started. */
export interface ReadyInfo {
  tools: number;
  ms: number;
  fromSnapshot: boolean;
  era: Era;
  protocolVersion: string | undefined;
}
