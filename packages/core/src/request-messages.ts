// What a POST body asks for, read before the SDK sees it: the requests it carries, and the tools it calls. Pure: the
// gate (http-access.ts) judges them, and hands the tools called on to the per-request server (server-factory.ts).
import { carrierOf, KNOWN_FIELDS, type TraceCarrier } from "./propagation.js";

/** A JSON-RPC request in a body: its id, method and, for a call, what it names and its arguments. */
export interface RequestMessage {
  id: string | number;
  method: string;
  name: string | undefined;
  /** The URI a `resources/read` names. */
  uri?: string;
  args?: unknown;
  /**
   * The caller's trace context from `params._meta`, in any format OTEL_PROPAGATORS may name (bounded, as
   * propagation.ts takes it), for a span of a refused request.
   */
  parent?: TraceCarrier;
}

/** The requests a POST body carries (a message or a batch), skipping notifications and responses. */
export function requestsIn(body: unknown): RequestMessage[] {
  const messages = Array.isArray(body) ? body : body === undefined ? [] : [body];
  const out: RequestMessage[] = [];
  for (const m of messages) {
    if (typeof m !== "object" || m === null) continue;
    const { id, method, params } = m as {
      id?: unknown;
      method?: unknown;
      params?: { name?: unknown; arguments?: unknown; uri?: unknown; _meta?: unknown };
    };
    if ((typeof id !== "string" && typeof id !== "number") || typeof method !== "string") continue;
    const name = method === "tools/call" || method === "prompts/get" ? params?.name : undefined;
    out.push({
      id,
      method,
      name: typeof name === "string" ? name : undefined,
      ...(method === "tools/call" ? { args: params?.arguments ?? {} } : {}),
      ...(method === "resources/read" && typeof params?.uri === "string" ? { uri: params.uri } : {}),
      ...traceContext(params?._meta),
    });
  }
  return out;
}

/**
 * Does the body only open a 2026-07-28 listen stream (subscriptions/listen)? Its answer is a stream that lasts as
 * long as the client listens, which no running-call limit or drain should wait on.
 */
export function onlyListens(messages: readonly RequestMessage[]): boolean {
  return messages.length > 0 && messages.every((m) => m.method === "subscriptions/listen");
}

/** The tools a body names when it carries only tool calls (the common request); undefined for anything else. */
export function toolsCalled(messages: readonly RequestMessage[]): Set<string> | undefined {
  if (messages.length === 0) return undefined;
  const names = new Set<string>();
  for (const m of messages) {
    if (m.method !== "tools/call" || m.name === undefined) return undefined;
    names.add(m.name);
  }
  return names;
}

/** The trace context of `_meta` (propagation.ts's fields, bounded), and nothing else of it. */
function traceContext(meta: unknown): { parent?: TraceCarrier } {
  if (typeof meta !== "object" || meta === null) return {};
  const parent = carrierOf((name) => (meta as Record<string, unknown>)[name], KNOWN_FIELDS);
  return parent ? { parent } : {};
}
