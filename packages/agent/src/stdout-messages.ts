import type { JSONRPCMessage } from "@modelcontextprotocol/client";
import { MAX_MESSAGE_BYTES } from "./message-cap.js";
import { droppedReply, LineSplitter } from "./stdout-lines.js";
import { notJsonRpc, type StrayLines } from "./stray-lines.js";

/** Where the messages read from a server's stdout go, and the errors met reading them. */
export interface MessageSink {
  message(message: JSONRPCMessage): void;
  error(error: Error): void;
}

/**
 * A server's stdout read as JSON-RPC messages: each line parsed; what is no JSON-RPC kept in `stray`; a line over
 * MAX_MESSAGE_BYTES dropped, and the call it replies to answered with an error at once.
 */
export class StdoutMessages {
  private readonly lines = new LineSplitter(
    MAX_MESSAGE_BYTES,
    (line) => this.onLine(line),
    (head) => this.onDropped(head),
    (tail) => this.onDroppedEnd(tail),
  );
  /** The head of a dropped line whose id was not in it: its end may name it. */
  private droppedHead: string | undefined;

  constructor(
    private readonly sink: MessageSink,
    private readonly stray: StrayLines,
  ) {}

  /** Take the next chunk of stdout. */
  push(chunk: string): void {
    this.lines.push(chunk);
  }

  private onLine(line: string): void {
    if (!line.trim()) return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      this.stray.add(line);
      this.sink.error(new Error(`server wrote a non-JSON line to stdout: ${line.slice(0, 120)} (${error})`));
      return;
    }
    // JSON that is no JSON-RPC message (a JSON log line) is dropped by the SDK: it counts as stray too.
    if (notJsonRpc(message)) this.stray.add(line);
    try {
      this.sink.message(message as JSONRPCMessage);
    } catch (error) {
      this.sink.error(error as Error);
    }
  }

  /** A line over MAX_MESSAGE_BYTES: dropped, but a reply's call is answered with an error at once. */
  private onDropped(head: string): void {
    this.sink.error(new Error("server sent a line over 10 MiB; dropped"));
    const reply = droppedReply(head, MAX_MESSAGE_BYTES);
    if (reply) this.sink.message(reply);
    else this.droppedHead = head;
  }

  /** The end of a dropped line: a reply that names its id last is answered now. */
  private onDroppedEnd(tail: string): void {
    const head = this.droppedHead;
    this.droppedHead = undefined;
    if (head === undefined) return;
    const reply = droppedReply(head, MAX_MESSAGE_BYTES, tail);
    if (reply) this.sink.message(reply);
  }
}
