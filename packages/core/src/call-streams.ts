// A 2025-era client that cancels a call (notifications/cancelled) in a --stateful session gets no answer to it, as
// the spec has it, and so the SDK never ends the POST's event stream that the answer would have closed: both SDK
// clients (v1 and v2) leave it open, so each cancelled call held a socket on both ends, and kept its session busy
// (never idle, so never expired or made room), until the client exited. Here a cancelled call's stream is ended, and
// a resume of it (Last-Event-ID, as the v1 client tries when a stream ends with no answer) is refused: nothing more
// will come on it. A 2025-03-26 batch's stream, which the SDK ends once every call in it is answered, is ended once
// every call in it is answered or cancelled: the others' answers go out first. The cancel is a POST of its own, which
// may reach the server before the call's (another connection, a call cancelled as soon as it was made), or come
// before its call in the same batch: it is then delivered again right after the call.
import type { ServerResponse } from "node:http";
import type { NodeStreamableHTTPServerTransport } from "@modelcontextprotocol/node";
import { cancelledRequestId, watchTransport } from "./request-watch.js";

/**
 * Calls tracked at most per session, each call of a batch counted; past it the oldest POSTs go first (their streams
 * end as usual when answered).
 */
const MAX_TRACKED = 1000;

/** Cancels of calls not (yet) seen kept per session; past it the oldest go first. */
const MAX_EARLY = 100;

type Id = string | number;

interface Stream {
  /** The ids of the requests its POST carried: one, or a batch's. */
  ids: readonly Id[];
  /** Those neither answered nor cancelled yet: `due` until handed to the SDK, then `running`. */
  waiting: Map<Id, "due" | "running">;
  /** The first event id it carried (a 2025-11-25 stream's empty "priming" event), which a resume names. */
  eventId: string | undefined;
  cancelled: boolean;
}

/** The JSON-RPC id of `message` if it is a request (one POST's body, or a message as the transport hands it on). */
function requestIdOf(message: unknown): Id | undefined {
  const { id, method } = (message ?? {}) as { id?: unknown; method?: unknown };
  return (typeof id === "string" || typeof id === "number") && typeof method === "string" ? id : undefined;
}

/** The ids of the requests a POST's body holds: it is one message, or a 2025-03-26 batch of them. */
function requestIdsOf(body: unknown): Id[] {
  const ids: Id[] = [];
  for (const message of Array.isArray(body) ? body : [body]) {
    const id = requestIdOf(message);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/** The POST streams of one session's calls (a POST of one request, or a batch), by JSON-RPC id. */
export class CallStreams {
  readonly #open = new Map<Id, Stream>();
  /** Ids cancelled before their call came (or after it was answered): a session never uses an id twice. */
  readonly #early = new Set<Id>();

  /** `ended` is told the first event id of each stream ended for a cancel (the event store refuses resumes of it). */
  constructor(private readonly ended: (eventId: string) => void) {}

  /** Track the stream `res` of a POST whose body is `body`, if it holds a request, until it closes. */
  track(body: unknown, res: ServerResponse): void {
    const ids = requestIdsOf(body);
    if (ids.length === 0) return;
    while (this.#open.size > 0 && this.#open.size + ids.length > MAX_TRACKED) {
      this.#forget(this.#open.values().next().value as Stream);
    }
    const stream: Stream = {
      ids,
      waiting: new Map(ids.map((id) => [id, "due"])),
      eventId: undefined,
      cancelled: false,
    };
    for (const id of ids) this.#open.set(id, stream);
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (stream.eventId === undefined && (typeof chunk === "string" || chunk instanceof Uint8Array)) {
        stream.eventId = /^id: ?(\S+)$/m.exec(Buffer.from(chunk).toString("utf8"))?.[1];
        if (stream.cancelled && stream.eventId !== undefined) this.ended(stream.eventId);
      }
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.once("close", () => this.#forget(stream));
  }

  /**
   * Watch what `transport` hands its server and sends: a cancel of a call under way ends the call's stream once the
   * rest of its batch is answered (at once when there is none); one that came before its call is delivered again
   * right after it, and ends its stream the same way.
   */
  attach(transport: NodeStreamableHTTPServerTransport): void {
    watchTransport(transport, {
      around: (message, extra, deliver) => {
        deliver(message, extra);
        const requestId = requestIdOf(message);
        if (requestId !== undefined) this.#running(requestId);
        let ended = cancelledRequestId(message);
        if (ended !== undefined && !this.#end(ended)) {
          this.#remember(ended);
          ended = undefined;
        }
        if (requestId !== undefined && this.#early.delete(requestId)) {
          deliver({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId } }, extra);
          if (this.#end(requestId)) ended = requestId;
        }
        if (ended !== undefined && this.#open.get(ended)?.waiting.size === 0) transport.closeSSEStream(ended);
      },
      // After the send, so the last answer of a batch with a call cancelled is on its stream before it ends.
      sent: ({ id }) => {
        if (id === undefined) return;
        const stream = this.#open.get(id);
        if (stream?.waiting.delete(id) && stream.cancelled && stream.waiting.size === 0) transport.closeSSEStream(id);
      },
    });
  }

  /** Mark `id`'s call, just handed to the SDK, running: a cancel of it now ends it. */
  #running(id: Id): void {
    const waiting = this.#open.get(id)?.waiting;
    if (waiting?.has(id)) waiting.set(id, "running");
  }

  /** Mark `id`'s call, handed to the SDK and not yet answered, cancelled, and its stream; false when there is none. */
  #end(id: Id): boolean {
    const stream = this.#open.get(id);
    if (stream?.waiting.get(id) !== "running") return false;
    stream.waiting.delete(id);
    if (!stream.cancelled && stream.eventId !== undefined) this.ended(stream.eventId);
    stream.cancelled = true;
    return true;
  }

  #forget(stream: Stream): void {
    for (const id of stream.ids) if (this.#open.get(id) === stream) this.#open.delete(id);
  }

  #remember(id: Id): void {
    if (this.#early.size >= MAX_EARLY) this.#early.delete(this.#early.values().next().value as Id);
    this.#early.add(id);
  }
}
