// What a POST body asks for, read before the SDK sees it: the requests it carries, and the tools it calls. Pure: the
// gate (http-access.ts) judges them, and hands the tools called on to the per-request server (server-factory.ts).

/** A JSON-RPC request in a body: its id, method and, for a call, what it names and its arguments. */
export interface RequestMessage {
  id: string | number;
  method: string;
  name: string | undefined;
  /** The URI a `resources/read` names. */
  uri?: string;
  args?: unknown;
  /** The caller's trace context from `params._meta` (traceparent, tracestate), for a span of a refused request. */
  parent?: { traceparent?: unknown; tracestate?: unknown };
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
      ...(isTraceContext(params?._meta) ? { parent: traceContext(params._meta) } : {}),
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

function isTraceContext(meta: unknown): meta is { traceparent: string; tracestate?: unknown } {
  return (
    typeof meta === "object" && meta !== null && typeof (meta as { traceparent?: unknown }).traceparent === "string"
  );
}

/** The W3C trace context of `_meta`, and nothing else of it. */
function traceContext(meta: { traceparent: string; tracestate?: unknown }): RequestMessage["parent"] {
  return typeof meta.tracestate === "string"
    ? { traceparent: meta.traceparent, tracestate: meta.tracestate }
    : { traceparent: meta.traceparent };
}
