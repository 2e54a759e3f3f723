// A remote server's answers are bounded as a stdio server's lines are (MAX_MESSAGE_BYTES): a JSON answer by its whole
// body, an event stream by each event, since one stream carries a call's progress and answer, or a session's
// notifications for hours. An event is handed on only once it is whole, so one over the bound is dropped entirely: in
// its place the call it answers gets an error saying so, when the agent can tell which call that is.
import type { JSONRPCMessage } from "@modelcontextprotocol/client";

/** The largest message the agent takes from a server, over any transport. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** What a call whose reply was over the cap is told, for the model to act on. */
export function overCapText(maxBytes: number): string {
  const mib = maxBytes / 1024 / 1024;
  const cap = mib >= 1 ? `${Math.round(mib)} MiB` : `${maxBytes} bytes`;
  return `the server's reply was over ${cap}, more than the agent reads, and was dropped; ask for less (a smaller range, a LIMIT, a page)`;
}

/** Words only the over-cap error has, to tell it from a server's own refusal. */
export const OVER_CAP_MARK = "more than the agent reads, and was dropped";

/** The over-cap error's own words, without what the SDK put before them ("MCP error -32603: "). */
export function overCapPart(text: string): string {
  const at = text.indexOf("the server's reply was over");
  return at === -1 ? text : text.slice(at);
}

/** The error reply that stands in for a dropped reply to request `id`. */
export function overCapReply(id: string | number, maxBytes: number): JSONRPCMessage {
  return { jsonrpc: "2.0", id, error: { code: -32603, message: overCapText(maxBytes) } };
}

/** What an event-stream splitter hands on after a chunk: the events it completed, and whether one went over. */
export interface SplitEvents {
  /** Whole events (each with its ending empty line), in order; bytes of an event not yet ended are held back. */
  events: Uint8Array[];
  /** An event passed the cap: what it had is dropped, and so is the rest of the chunk. */
  over: boolean;
  /** The first bytes of the event that went over (where its id may be), when one did. */
  overHead?: string;
}

const LF = 10;
const CR = 13;
/** How much of a dropped reply is kept (a stdio line's characters, an event's bytes), to tell whose reply it was. */
export const DROPPED_HEAD = 200;

/**
 * Splits an event stream into whole events as its chunks arrive, holding at most `maxBytes` of an unfinished one. An
 * event ends at an empty line; a line ends at CRLF, LF or CR, as the Server-Sent Events format says. Line ends are
 * not counted against the cap.
 */
export function eventSplitter(maxBytes: number): { push(chunk: Uint8Array): SplitEvents; rest(): Uint8Array[] } {
  let held: Uint8Array[] = [];
  let size = 0;
  let atLineStart = true;
  let afterCr = false;
  return {
    push(chunk) {
      const events: Uint8Array[] = [];
      let from = 0;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === LF && afterCr) {
          afterCr = false; // the LF of a CRLF: the line ended at its CR
        } else if (byte === LF || byte === CR) {
          if (atLineStart) {
            // An empty line: the event is whole, with the LF of its CRLF when that is here (a reader that sees a CR
            // last waits for the next bytes before it acts on the event).
            const withLf = byte === CR && chunk[i + 1] === LF;
            const end = withLf ? i + 2 : i + 1;
            events.push(concat([...held, chunk.subarray(from, end)]));
            held = [];
            size = 0;
            from = end;
            if (withLf) i++;
            afterCr = byte === CR && !withLf;
          } else {
            atLineStart = true;
            afterCr = byte === CR;
          }
        } else {
          size += 1;
          atLineStart = false;
          afterCr = false;
          if (size > maxBytes) {
            const head = new TextDecoder().decode(concat([...held, chunk.subarray(from, i)]).subarray(0, DROPPED_HEAD));
            held = [];
            size = 0;
            return { events, over: true, overHead: head };
          }
        }
      }
      if (from < chunk.length) held.push(chunk.slice(from));
      return { events, over: false };
    },
    /** What an unended last event had, when the stream ends (a reader drops it, as the format says). */
    rest: () => held,
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts);
}

/** The id of the request a POST carries (its answer's stream is its own), or undefined. */
export function postedRequestId(init: RequestInit | undefined): string | number | undefined {
  if (init?.method !== "POST" || typeof init.body !== "string" || !init.body.includes('"method"')) return undefined;
  try {
    const message = JSON.parse(init.body) as { id?: unknown; method?: unknown };
    const { id } = message;
    return typeof message.method === "string" && (typeof id === "string" || typeof id === "number") ? id : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON-RPC id as it is written: a number, or a JSON string (escapes included). */
export const ID_VALUE = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
const HEAD_ID = new RegExp(String.raw`"id"\s*:\s*${ID_VALUE}`);

/**
 * The id a dropped reply names in its first bytes, if it does before its `"result"` or `"error"` (as the SDK v2 writes
 * replies): an `"id"` after that may be one inside the result, and would fail another call.
 */
export function idInHead(head: string): string | number | undefined {
  const before = beforeBody(head);
  if (before === undefined) return undefined;
  const id = HEAD_ID.exec(before)?.[1];
  return id === undefined ? undefined : (JSON.parse(id) as string | number);
}

/**
 * What a message's head has before its `"result"` or `"error"`, when it is a response's (no `"method"` there); else
 * undefined.
 */
export function beforeBody(head: string): string | undefined {
  const body = /"(result|error)"\s*:/.exec(head);
  if (!body) return undefined;
  const before = head.slice(0, body.index);
  return /"method"\s*:/.test(before) ? undefined : before;
}

/**
 * `response`, bounded: a JSON answer fails once it passes `maxBytes` in all; an event stream drops an event over
 * `maxBytes`, answers the call it was for with an error (`requestId`, the POST's own, or the id in the event's first
 * bytes), and ends; when no call can be named the stream fails instead. Any other body (an error page, an empty 202)
 * is left alone.
 */
export function cappedResponse(
  response: Response,
  requestId: string | number | undefined,
  maxBytes = MAX_MESSAGE_BYTES,
): Response {
  const type = response.headers.get("content-type")?.toLowerCase() ?? "";
  const stream = type.startsWith("text/event-stream");
  if (!response.body || (!stream && !type.startsWith("application/json"))) return response;
  let total = 0;
  const splitter = eventSplitter(maxBytes);
  const cap = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (!stream) {
        total += chunk.byteLength;
        if (total > maxBytes) controller.error(new Error(overCapText(maxBytes)));
        else controller.enqueue(chunk);
        return;
      }
      const split = splitter.push(chunk);
      for (const event of split.events) controller.enqueue(event);
      if (!split.over) return;
      const id = requestId ?? idInHead(split.overHead ?? "");
      if (id === undefined) {
        controller.error(new Error(overCapText(maxBytes)));
        return;
      }
      const reply = JSON.stringify(overCapReply(id, maxBytes));
      controller.enqueue(new TextEncoder().encode(`event: message\ndata: ${reply}\n\n`));
      controller.terminate();
    },
    flush(controller) {
      for (const part of splitter.rest()) controller.enqueue(part);
    },
  });
  const { status, statusText, headers } = response;
  return new Response(response.body.pipeThrough(cap), { status, statusText, headers });
}
