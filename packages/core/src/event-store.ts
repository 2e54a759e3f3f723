// What a 2025-era session (sessions.ts) keeps of what it sent, so a client whose event stream dropped (a proxy's read
// timeout, a laptop's Wi-Fi) reconnects with Last-Event-ID and gets what it missed: notifications, and the answer to
// a call whose POST stream broke. It lives and dies with its session, and keeps only the latest EVENTS_KEPT events
// and EVENT_BYTES_KEPT bytes, oldest dropped first, so a client that never comes back costs a bounded amount. An id
// this store did not issue, or whose events after it were dropped, is never answered with a guess (resumeVerdict).
import { randomBytes } from "node:crypto";
import type { EventId, EventStore, JSONRPCMessage, StreamId } from "@modelcontextprotocol/server";

/** Events one session keeps for replay; past it the oldest is dropped. */
export const EVENTS_KEPT = 1000;
/** Bytes of events (their JSON) one session keeps for replay; past it the oldest are dropped. */
export const EVENT_BYTES_KEPT = 1024 * 1024;

interface Kept {
  streamId: StreamId;
  /** The message as sent, or "" for a priming event (an id with no data, never replayed). */
  json: string;
  bytes: number;
}

/** Why a Last-Event-ID cannot be resumed from, as the HTTP answer says it; undefined when it can. */
export interface ResumeRefusal {
  status: 400 | 410;
  message: string;
  /** Not worth the operator's notice: the stream of a cancelled call, which the v1 client resumes as a matter of course. */
  expected?: true;
}

/** A session's bounded event log: the SDK transport's `eventStore`. Event ids are `<store>-<n>`, n counting up. */
export class SessionEventStore implements EventStore {
  /** Tells this session's ids from another session's (or another process's), which it never answers. */
  readonly #prefix = randomBytes(6).toString("hex");
  readonly #events: Kept[] = [];
  /** The number of `#events[0]`; events before it were dropped. */
  #first = 0;
  #bytes = 0;
  /** Streams ended because their call was cancelled (call-streams.ts), which are not resumed; at most EVENTS_KEPT. */
  readonly #cancelled = new Set<StreamId>();

  constructor(
    private readonly maxEvents = EVENTS_KEPT,
    private readonly maxBytes = EVENT_BYTES_KEPT,
  ) {}

  /** Events and bytes kept now. */
  get kept(): { events: number; bytes: number } {
    return { events: this.#events.length, bytes: this.#bytes };
  }

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const json = "jsonrpc" in message ? JSON.stringify(message) : "";
    const bytes = Buffer.byteLength(json) + streamId.length;
    this.#events.push({ streamId, json, bytes });
    this.#bytes += bytes;
    const id = `${this.#prefix}-${this.#first + this.#events.length - 1}`;
    while (this.#events.length > this.maxEvents || this.#bytes > this.maxBytes) {
      const dropped = this.#events.shift();
      if (!dropped) break;
      this.#bytes -= dropped.bytes;
      this.#first++;
    }
    return id;
  }

  // No getStreamIdForEventId, on purpose: given it, the SDK answers 409 to a resume while it still holds the old
  // stream, which a dropped Wi-Fi leaves half-open for minutes, and both SDK clients give up after two tries. Without
  // it, the SDK replays first and then closes the old stream for the new one.

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const refusal = this.resumeVerdict(lastEventId);
    if (refusal) throw new Error(refusal.message);
    const after = Number(lastEventId.slice(this.#prefix.length + 1));
    const streamId = this.#events[after - this.#first]?.streamId as StreamId;
    // Read live, not from a copy: until this returns the SDK has no stream to write new events to (or a stale one),
    // so an event stored while sending goes out here; one also written live the SDK does not write twice.
    for (let n = after + 1; n < this.#first + this.#events.length; n++) {
      const event = this.#events[n - this.#first];
      if (!event) throw new Error(`the events after ${lastEventId} were dropped while being replayed`);
      if (event.streamId === streamId && event.json) {
        await send(`${this.#prefix}-${n}`, JSON.parse(event.json) as JSONRPCMessage);
      }
    }
    return streamId;
  }

  /** The stream that carried `eventId` was ended for its call's cancel: a resume of it is refused from now on. */
  endStream(eventId: string): void {
    const n = this.#numberOf(eventId);
    const streamId = n === undefined ? undefined : this.#events[n - this.#first]?.streamId;
    if (streamId === undefined) return;
    if (this.#cancelled.size >= this.maxEvents)
      this.#cancelled.delete(this.#cancelled.values().next().value as StreamId);
    this.#cancelled.add(streamId);
  }

  /** The number of an event id this store gave out (`<prefix>-<n>`); undefined for any other text. */
  #numberOf(eventId: string): number | undefined {
    const match = /^([0-9a-f]{12})-(\d{1,15})$/.exec(eventId);
    return match && match[1] === this.#prefix ? Number(match[2]) : undefined;
  }

  /** Whether a stream can resume after `lastEventId`; what to tell its client when not. */
  resumeVerdict(lastEventId: string): ResumeRefusal | undefined {
    const n = this.#numberOf(lastEventId);
    const shown = JSON.stringify(lastEventId.slice(0, 80));
    const afresh = "open the stream without Last-Event-ID (a call whose answer was on it must be made again)";
    if (n === undefined) {
      return {
        status: 400,
        message: `Bad Request: Last-Event-ID ${shown} is not an event this session sent (another session's, or from before the server restarted); ${afresh}`,
      };
    }
    if (n >= this.#first + this.#events.length) {
      return {
        status: 400,
        message: `Bad Request: Last-Event-ID ${shown} is not an event this session sent yet; ${afresh}`,
      };
    }
    if (n < this.#first) {
      return {
        status: 410,
        message: `Gone: the events after Last-Event-ID ${shown} are no longer kept (a session keeps its last ${this.maxEvents} events and ${this.maxBytes / 1024} KiB of them for replay), so what was sent since is lost; ${afresh}`,
      };
    }
    if (this.#cancelled.has(this.#events[n - this.#first]?.streamId as StreamId)) {
      return {
        status: 410,
        message: `Gone: the stream of Last-Event-ID ${shown} carried a call its client cancelled, which gets no answer, so nothing more is sent on it; make the call again if its result is still needed`,
        expected: true,
      };
    }
    return undefined;
  }
}
