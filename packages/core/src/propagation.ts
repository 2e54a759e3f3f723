// How a trace context travels, as OTEL_PROPAGATORS says: which formats a server reads from a caller (`params._meta`,
// the MCP conventions' carrier, and over HTTP the headers) and the agent writes into its requests. A name we do not
// know is left out with one warning, the rest still work, as the specification asks; `none` turns propagation off.
// Pure: the environment and the carrier come in as arguments; telemetry-sdk.ts builds the OpenTelemetry propagators.

/** The formats OTEL_PROPAGATORS may name, and `none`. */
export const PROPAGATOR_NAMES = ["tracecontext", "baggage", "b3", "b3multi", "jaeger", "none"] as const;

/** A format we propagate: W3C Trace Context and Baggage, B3 (one `b3` header, or several `x-b3-*`), Jaeger. */
export type PropagatorName = Exclude<(typeof PROPAGATOR_NAMES)[number], "none">;

/** The specification's default. */
const DEFAULT_PROPAGATORS: readonly PropagatorName[] = ["tracecontext", "baggage"];

/** What OTEL_PROPAGATORS asks for: the formats, in its order, and the names left out (propagatorWarning). */
export interface Propagation {
  /** Empty with `none`: no context is read or written. */
  names: PropagatorName[];
  /** Names given that are not formats we know, as given (at most 40 characters each). */
  unknown: string[];
}

/**
 * OTEL_PROPAGATORS (comma separated, any case) as the formats to propagate; tracecontext,baggage when unset, or when
 * it names none we know. `none` anywhere in it turns propagation off.
 */
export function propagationFrom(env: Record<string, string | undefined>): Propagation {
  const written = (env.OTEL_PROPAGATORS ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const given = written.map((name) => name.toLowerCase());
  // Shown as written (`X-Ray`), so the warning quotes what the user can find in their configuration.
  const unknown = [...new Set(written.filter((name) => !isKnown(name.toLowerCase())))].map((name) => name.slice(0, 40));
  if (given.includes("none")) return { names: [], unknown };
  const known = [...new Set(given.filter((name): name is PropagatorName => isKnown(name) && name !== "none"))];
  return { names: known.length > 0 ? known : [...DEFAULT_PROPAGATORS], unknown };
}

function isKnown(name: string): name is (typeof PROPAGATOR_NAMES)[number] {
  return (PROPAGATOR_NAMES as readonly string[]).includes(name);
}

/** The start-up warning for the names OTEL_PROPAGATORS gives that we do not know (`xray`, a typo), or undefined. */
export function propagatorWarning(propagation: Propagation): string | undefined {
  if (propagation.unknown.length === 0) return undefined;
  const shown = propagation.unknown.map((name) => JSON.stringify(name)).join(", ");
  const what = propagation.unknown.length === 1 ? "which is not a propagator" : "which are not propagators";
  const used = propagation.names.length > 0 ? `travels as ${propagation.names.join(",")}` : "is not propagated (none)";
  return `OTEL_PROPAGATORS names ${shown}, ${what} this process knows (${PROPAGATOR_NAMES.join(", ")}): left out, so trace context ${used}`;
}

/** B3's keys: its single header, and its several. */
const B3_FIELDS = ["b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags", "x-b3-parentspanid"];

/**
 * The carrier keys (lower case, as HTTP headers arrive in Node) each format reads. B3 reads both of its encodings,
 * whichever it writes.
 */
const FORMAT_FIELDS: Record<PropagatorName, readonly string[]> = {
  tracecontext: ["traceparent", "tracestate"],
  baggage: ["baggage"],
  b3: B3_FIELDS,
  b3multi: B3_FIELDS,
  jaeger: ["uber-trace-id"],
};

/** Every key any format reads: what a body's `_meta` is searched for before the formats in force are known. */
export const KNOWN_FIELDS: readonly string[] = carrierFields(["tracecontext", "baggage", "b3", "jaeger"]);

/** The keys that name a trace (a parent span): a carrier without one has nothing to continue. */
const TRACE_FIELDS: ReadonlySet<string> = new Set(["traceparent", "b3", "x-b3-traceid", "uber-trace-id"]);

/** The carrier keys the formats read, each once. */
export function carrierFields(names: readonly PropagatorName[]): string[] {
  return [...new Set(names.flatMap((name) => FORMAT_FIELDS[name]))];
}

/**
 * The longest `baggage` taken, in characters: the W3C Baggage limit (8192 bytes for all its members), which the
 * OpenTelemetry propagator keeps when it writes baggage but not when it reads it.
 */
export const MAX_BAGGAGE_CHARS = 8192;

/**
 * The longest value of any other trace field taken: W3C's `tracestate` is at most 32 members in 512 characters, and
 * a traceparent, a `b3` or an `uber-trace-id` is under 100. A longer one is dropped, not cut (a cut one means another).
 */
export const MAX_TRACE_FIELD_CHARS = 512;

/** A trace context as `params._meta` or HTTP headers carry it: the `fields` present, within their bounds. */
export type TraceCarrier = Readonly<Record<string, string>>;

/**
 * The `fields` that `get` holds as strings within their bounds (MAX_BAGGAGE_CHARS, MAX_TRACE_FIELD_CHARS), or undefined
 * when none of them names a trace: baggage alone has no parent to continue.
 */
export function carrierOf(get: (name: string) => unknown, fields: readonly string[]): TraceCarrier | undefined {
  const carrier: Record<string, string> = {};
  for (const field of fields) {
    const value = get(field);
    const limit = field === "baggage" ? MAX_BAGGAGE_CHARS : MAX_TRACE_FIELD_CHARS;
    if (typeof value === "string" && value.length <= limit) carrier[field] = value;
  }
  return Object.keys(carrier).some((field) => TRACE_FIELDS.has(field)) ? carrier : undefined;
}

/** Whether two carriers name the same trace context (the same values of the trace fields). */
export function sameTrace(a: TraceCarrier, b: TraceCarrier): boolean {
  return [...TRACE_FIELDS, "x-b3-spanid"].every((field) => a[field] === b[field]);
}
