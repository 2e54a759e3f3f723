// A server's live statistics since it started: per tool, calls, errors, latency percentiles and bytes returned;
// refusals by cause; uptime. Kept in fixed memory (a latency histogram per tool), cheap enough to record on every
// call, and free of anything secret: tool names, counts and durations only. Served as the `…://stats` resource.
import { outcomeErrorType, type ToolOutcome } from "./tool-outcome.js";

/** Latency buckets grow by 2^(1/8) (9%) from 10 µs: a percentile is read to within 9%, up to about 11 hours. */
const BUCKET_GROWTH = 2 ** (1 / 8);
const FIRST_BUCKET_MS = 0.01;
const BUCKETS = 8 * 32;

/** One tool's figures, as the stats resource shows them. */
export interface ToolFigures {
  calls: number;
  /** Calls that ended with isError (refusals included); a call its client cancelled is not one. */
  errors: number;
  /** Median and 95th-percentile duration in ms (to within 9%); null before the first call. */
  p50_ms: number | null;
  p95_ms: number | null;
  /** Bytes of results returned (their JSON). */
  bytes: number;
}

/** The whole report. */
export interface StatsReport {
  started_at: string;
  uptime_s: number;
  calls: number;
  errors: number;
  tools: Record<string, ToolFigures>;
  /** Requests or calls refused by a policy, by cause (`sandbox`, `read_only`, `rate_limited`, …). */
  refusals: Record<string, number>;
}

class ToolRecord {
  calls = 0;
  errors = 0;
  bytes = 0;
  readonly histogram = new Uint32Array(BUCKETS);

  add(ms: number, isError: boolean, bytes: number): void {
    this.calls++;
    if (isError) this.errors++;
    this.bytes += bytes;
    const index = ms <= FIRST_BUCKET_MS ? 0 : Math.ceil(Math.log(ms / FIRST_BUCKET_MS) / Math.log(BUCKET_GROWTH));
    const bucket = Math.min(BUCKETS - 1, index);
    this.histogram[bucket] = (this.histogram[bucket] ?? 0) + 1;
  }

  /** The upper bound of the bucket holding the q-th quantile. */
  quantile(q: number): number | null {
    if (this.calls === 0) return null;
    const rank = Math.ceil(q * this.calls);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.histogram[i] ?? 0;
      if (seen >= rank) return Math.round(FIRST_BUCKET_MS * BUCKET_GROWTH ** i * 1000) / 1000;
    }
    return null;
  }
}

/** Told of every call as it starts and ends, and of every refusal: how the Prometheus metrics are fed. */
export interface StatsListener {
  started?(tool: string): void;
  ended?(tool: string): void;
  /** A tool call that ended, and how it came (`via`, when its recorder knew). */
  call?(tool: string, ms: number, outcome: ToolOutcome, bytes: number, via?: RequestVia): void;
  refusal?(cause: string): void;
  /** A tools/call naming no tool the server offers, answered with the JSON-RPC error `errorType` (its code). */
  unknownTool?(ms: number, errorType: string, via?: RequestVia): void;
  /** A request or notification other than tools/call, handled in `ms` (request-telemetry.ts). */
  operation?(operation: Operation): void;
  /** A connection or 2025-era HTTP session that ended, after `seconds` (request-telemetry.ts). */
  session?(session: EndedSession): void;
}

/**
 * How a request reached the server, as the conventions' operation duration carries it (`mcp.protocol.version`,
 * `network.transport`). Both come from a small fixed set, so each is a label a metric may split by.
 */
export interface RequestVia {
  /** The revision the request was made in, when it is one our servers speak; undefined otherwise. */
  protocolVersion: string | undefined;
  /** The conventions' words: stdio is a pipe; Streamable HTTP runs over TCP. */
  transport: "pipe" | "tcp";
}

/** A request or notification other than tools/call, as the conventions' operation duration records it. */
export interface Operation extends RequestVia {
  /** An MCP method, or `_OTHER` for a method the protocol does not define (the caller's text is never kept). */
  method: string;
  ms: number;
  /** The JSON-RPC error code of a failed request; undefined for one that was answered, cancelled or a notification. */
  errorType?: string | undefined;
  /** The prompt a `prompts/get` or `completion/complete` names, when the server offers it. */
  prompt?: string | undefined;
}

/** A session that ended, as the conventions' session duration records it. */
export interface EndedSession {
  seconds: number;
  protocolVersion: string | undefined;
  transport: "pipe" | "tcp";
}

/** Statistics for one server (shared by every server instance its factory builds). */
export class ToolStats {
  readonly #tools = new Map<string, ToolRecord>();
  readonly #refusals = new Map<string, number>();
  readonly #listeners = new Set<StatsListener>();
  readonly #startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.#startedAt = now();
  }

  /** Be told of calls and refusals from now on; returns the unsubscribe. */
  subscribe(listener: StatsListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** A call starts (it is in flight); the returned function says it ended, however it ended. */
  begin(tool: string): () => void {
    for (const listener of this.#listeners) listener.started?.(tool);
    return () => {
      for (const listener of this.#listeners) listener.ended?.(tool);
    };
  }

  /**
   * One finished tool call, and how it ended (toolOutcome). `cause` names the policy that refused it, if one did;
   * `via` how the call came (its revision and transport), for the metrics.
   */
  recordCall(tool: string, ms: number, outcome: ToolOutcome, bytes: number, cause?: string, via?: RequestVia): void {
    let record = this.#tools.get(tool);
    if (!record) {
      record = new ToolRecord();
      this.#tools.set(tool, record);
    }
    record.add(ms, outcomeErrorType(outcome) !== undefined, bytes);
    for (const listener of this.#listeners) listener.call?.(tool, ms, outcome, bytes, via);
    // One outcome for each call: a cancelled one is not also a refusal, whatever its result says.
    if (cause && outcome === "refused") this.recordRefusal(cause);
  }

  /**
   * A tools/call naming no tool the server offers (unknown-tool.ts). Told to the metrics only: the report keeps
   * figures by tool, and this name is the client's, not one of ours.
   */
  recordUnknownTool(ms: number, errorType: string, via?: RequestVia): void {
    for (const listener of this.#listeners) listener.unknownTool?.(ms, errorType, via);
  }

  /** Whether anything is told of calls (a metrics export or /metrics): how a call came is worked out only then. */
  get listened(): boolean {
    return this.#listeners.size > 0;
  }

  /**
   * Whether anything is told of operations and sessions (a metrics export or /metrics): when nothing is, and tracing
   * is off, the requests besides tool calls are not even timed.
   */
  get measured(): boolean {
    for (const listener of this.#listeners) if (listener.operation || listener.session) return true;
    return false;
  }

  /** A request or notification other than tools/call. Told to the metrics only, as recordUnknownTool is. */
  recordOperation(operation: Operation): void {
    for (const listener of this.#listeners) listener.operation?.(operation);
  }

  /** A connection or 2025-era session that ended. Told to the metrics only. */
  recordSession(session: EndedSession): void {
    for (const listener of this.#listeners) listener.session?.(session);
  }

  /** A refusal before any tool ran (unauthorized, forbidden, rate-limited). */
  recordRefusal(cause: string): void {
    this.#refusals.set(cause, (this.#refusals.get(cause) ?? 0) + 1);
    for (const listener of this.#listeners) listener.refusal?.(cause);
  }

  report(): StatsReport {
    const tools: Record<string, ToolFigures> = {};
    let calls = 0;
    let errors = 0;
    for (const [name, record] of [...this.#tools].sort(([a], [b]) => a.localeCompare(b))) {
      tools[name] = {
        calls: record.calls,
        errors: record.errors,
        p50_ms: record.quantile(0.5),
        p95_ms: record.quantile(0.95),
        bytes: record.bytes,
      };
      calls += record.calls;
      errors += record.errors;
    }
    return {
      started_at: new Date(this.#startedAt).toISOString(),
      uptime_s: Math.round((this.now() - this.#startedAt) / 1000),
      calls,
      errors,
      tools,
      refusals: Object.fromEntries([...this.#refusals].sort(([a], [b]) => a.localeCompare(b))),
    };
  }
}
