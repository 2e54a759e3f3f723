// A 2025-era client that cancels a call (notifications/cancelled) in a --stateful session gets no answer to it, as
// the spec has it, and so the SDK never ends the POST's event stream that the answer would have closed: both SDK
// clients (v1 and v2) leave it open, so each cancelled call held a socket on both ends, and kept its session busy
// (never idle, so never expired or made room), until the client exited. Here a cancelled call's stream is ended, and
// a resume of it (Last-Event-ID, as the v1 client tries when a stream ends with no answer) is refused: nothing more
// will come on it.
import type { ServerResponse } from "node:http";
import { cancelledRequestId } from "./request-watch.js";

/** Calls tracked at most per session; past it the oldest go first (their streams end as usual when answered). */
const MAX_TRACKED = 1000;

/** What a cancel ends: the call's JSON-RPC id, and the first event id its stream carried (undefined: none). */
export interface CancelledStream {
  requestId: string | number;
  eventId: string | undefined;
}

/** The open POST streams of one session's calls, each a POST of one request, by JSON-RPC id. */
export class CallStreams {
  readonly #open = new Map<string | number, { eventId: string | undefined }>();

  /** Track the stream `res` of `body`'s POST, if it holds one request, until it closes. */
  track(body: unknown, res: ServerResponse): void {
    const { id, method } = (body ?? {}) as { id?: unknown; method?: unknown };
    if ((typeof id !== "string" && typeof id !== "number") || typeof method !== "string") return;
    if (this.#open.size >= MAX_TRACKED) this.#open.delete(this.#open.keys().next().value as string | number);
    const entry: { eventId: string | undefined } = { eventId: undefined };
    this.#open.set(id, entry);
    // The first event id it carries (a 2025-11-25 stream's empty "priming" event), which a resume names.
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (entry.eventId === undefined && (typeof chunk === "string" || chunk instanceof Uint8Array)) {
        entry.eventId = /^id: ?(\S+)$/m.exec(Buffer.from(chunk).toString("utf8"))?.[1];
      }
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.once("close", () => {
      if (this.#open.get(id) === entry) this.#open.delete(id);
    });
  }

  /** The call `body` cancels, if it is a notifications/cancelled naming one whose stream is open. */
  cancelled(body: unknown): CancelledStream | undefined {
    const requestId = cancelledRequestId(body);
    const entry = requestId === undefined ? undefined : this.#open.get(requestId);
    if (requestId === undefined || entry === undefined) return undefined;
    this.#open.delete(requestId);
    return { requestId, eventId: entry.eventId };
  }
}
