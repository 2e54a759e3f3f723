import type { JSONRPCMessage } from "@modelcontextprotocol/client";
import { beforeBody, DROPPED_HEAD, ID_VALUE, idInHead, overCapReply } from "./message-cap.js";

/** How many of a dropped line's last characters are kept, for an id written after the result. */
export const DROPPED_TAIL = 200;

/**
 * Splits a server's stdout into lines. Each chunk is scanned once (a 9 MiB reply in 64 KiB chunks is not rescanned
 * per chunk), and a line longer than `max` characters is dropped whole, up to its newline — its tail is not read as a
 * line of its own. Its head goes to `onDropped` as soon as it is over; its last characters go to `onDroppedEnd` when
 * it ends (a reply may name its id last: `{"result":…,"id":7}`).
 */
export class LineSplitter {
  private parts: string[] = [];
  private length = 0;
  private head = "";
  private dropping = false;
  private tail = "";

  constructor(
    private readonly max: number,
    private readonly onLine: (line: string) => void,
    private readonly onDropped: (head: string) => void,
    private readonly onDroppedEnd: (tail: string) => void = () => {},
  ) {}

  /** Take the next chunk of output. */
  push(chunk: string): void {
    let start = 0;
    for (let newline = chunk.indexOf("\n"); newline !== -1; newline = chunk.indexOf("\n", start)) {
      const piece = chunk.slice(start, newline);
      start = newline + 1;
      if (this.dropping) {
        this.dropping = false;
        this.onDroppedEnd(lastChars(this.tail + lastChars(piece)).replace(/\r$/, ""));
        this.tail = "";
        continue;
      }
      this.parts.push(piece);
      const line = this.parts.join("");
      this.reset();
      if (line.length > this.max) {
        this.onDropped(line.slice(0, DROPPED_HEAD));
        this.onDroppedEnd(lastChars(line).replace(/\r$/, ""));
      } else this.onLine(line.replace(/\r$/, ""));
    }
    if (start === chunk.length) return;
    const rest = chunk.slice(start);
    if (this.dropping) {
      this.tail = lastChars(this.tail + lastChars(rest));
      return;
    }
    if (this.head.length < DROPPED_HEAD) this.head += rest.slice(0, DROPPED_HEAD - this.head.length);
    this.parts.push(rest);
    this.length += rest.length;
    if (this.length > this.max) {
      const head = this.head;
      this.tail = lastOfParts(this.parts);
      this.reset();
      this.dropping = true;
      this.onDropped(head);
    }
  }

  private reset(): void {
    this.parts = [];
    this.length = 0;
    this.head = "";
  }
}

const lastChars = (text: string) => text.slice(-DROPPED_TAIL);

/** The last DROPPED_TAIL characters of the pieces of a line, joining only as many pieces as that takes. */
function lastOfParts(parts: readonly string[]): string {
  let tail = "";
  for (let i = parts.length - 1; i >= 0 && tail.length < DROPPED_TAIL; i--) tail = (parts[i] ?? "") + tail;
  return lastChars(tail);
}

/**
 * The error reply for a response dropped as too long, so its call fails instead of waiting out its timeout: when the
 * line's head shows a response (`result` or `error`, no `method`) and names its id, or its `tail` ends by naming it.
 * Otherwise undefined.
 */
export function droppedReply(head: string, maxBytes: number, tail?: string): JSONRPCMessage | undefined {
  const id = idInHead(head) ?? (tail !== undefined && beforeBody(head) !== undefined ? idInTail(tail) : undefined);
  return id === undefined ? undefined : overCapReply(id, maxBytes);
}

const TAIL_ID = new RegExp(String.raw`[,{]\s*"id"\s*:\s*${ID_VALUE}\s*\}\s*$`);

/**
 * The id a message's last characters give it as the object's last member (`…,"id":7}`). One closing brace only:
 * an `"id"` of a nested object ends in two, and inside a JSON string the quotes would be escaped.
 */
export function idInTail(tail: string): string | number | undefined {
  const id = TAIL_ID.exec(tail)?.[1];
  return id === undefined ? undefined : (JSON.parse(id) as string | number);
}
