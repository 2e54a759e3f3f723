import type { JSONRPCMessage } from "@modelcontextprotocol/client";
import { DROPPED_HEAD, idInHead, overCapReply } from "./message-cap.js";

/**
 * Splits a server's stdout into lines. Each chunk is scanned once (a 9 MiB reply in 64 KiB chunks is not rescanned
 * per chunk), and a line longer than `max` characters is dropped whole, up to its newline — its tail is not read as a
 * line of its own — with its head passed to `onDropped`.
 */
export class LineSplitter {
  private parts: string[] = [];
  private length = 0;
  private head = "";
  private dropping = false;

  constructor(
    private readonly max: number,
    private readonly onLine: (line: string) => void,
    private readonly onDropped: (head: string) => void,
  ) {}

  /** Take the next chunk of output. */
  push(chunk: string): void {
    let start = 0;
    for (let newline = chunk.indexOf("\n"); newline !== -1; newline = chunk.indexOf("\n", start)) {
      const piece = chunk.slice(start, newline);
      start = newline + 1;
      if (this.dropping) {
        this.dropping = false;
        continue;
      }
      this.parts.push(piece);
      const line = this.parts.join("");
      this.reset();
      if (line.length > this.max) this.onDropped(line.slice(0, DROPPED_HEAD));
      else this.onLine(line.replace(/\r$/, ""));
    }
    if (this.dropping || start === chunk.length) return;
    const rest = chunk.slice(start);
    if (this.head.length < DROPPED_HEAD) this.head += rest.slice(0, DROPPED_HEAD - this.head.length);
    this.parts.push(rest);
    this.length += rest.length;
    if (this.length > this.max) {
      const head = this.head;
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

/**
 * The error reply for a response dropped as too long, so its call fails at once instead of waiting out its timeout:
 * when the line's head shows a response (`result` or `error`, no `method`) and names its id. Otherwise undefined.
 */
export function droppedReply(head: string, maxBytes: number): JSONRPCMessage | undefined {
  const id = idInHead(head);
  return id === undefined ? undefined : overCapReply(id, maxBytes);
}
