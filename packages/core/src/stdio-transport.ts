// The stdio transport, with a line reader that stays linear in the size of a message. The SDK's reader joins its
// whole buffer with each 64 KiB chunk and searches it again from the start, so an 8 MB `write_file` took seconds of
// CPU (quadratic); this one keeps the chunks, searches only new bytes, and joins a message once.
import { deserializeMessage, type JSONRPCMessage } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { MAX_BATCH_MESSAGES, sendLess } from "./http-options.js";
import { batchTooLarge, EMPTY_BATCH, invalidRequest, requestId } from "./invalid-request.js";

/** The longest message read from stdin: a 10 MiB file write, JSON-escaped, fits. A longer one closes the connection. */
export const MAX_STDIO_MESSAGE_BYTES = 32 * 1024 * 1024;

const NEWLINE = 0x0a;
/** `[`: a line that starts with it is a 2025-03-26 batch, an array of messages. */
const BATCH_START = 0x5b;

/** `text` as the start of a sentence. */
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/**
 * A message on stdin over the limit: the connection is closed, and the operator must be told why; `advice` says how to
 * send less in the server's own terms (its factory's largeRequestAdvice).
 */
export class MessageTooLongError extends Error {
  constructor(maxBytes: number, advice?: string) {
    super(
      `a message on stdin is longer than ${maxBytes} bytes, the most this server reads at once; the connection is closed. ${sentence(sendLess(advice))}`,
    );
    this.name = "MessageTooLongError";
  }
}

/** How many skipped lines are reported; after that they are skipped quietly, so a noisy writer cannot flood the log. */
export const SKIPPED_REPORTS = 3;

/** Splits a byte stream into JSON-RPC messages, one per line; the SDK's ReadBuffer interface. */
export class LineReader {
  #chunks: Buffer[] = [];
  #size = 0;
  /** Bytes at the start of the pending data already known to hold no newline. */
  #searched = 0;

  /** Lines skipped as not JSON so far; the first few are reported. */
  #skipped = 0;

  /** The messages of a batch not yet handed on: one is read at a time, as from lines of their own. */
  #batch: JSONRPCMessage[] = [];

  /**
   * `onSkipped` hears about the first SKIPPED_REPORTS lines that are not JSON (a preview of each, and whether it is
   * the last one reported): something other than an MCP client is writing to stdin, and it helps to know.
   * `onInvalid` hears of a line that is JSON with a method and an id but not a JSON-RPC request (`"method": 5`, a
   * `jsonrpc` other than "2.0"), so it can be answered with Invalid Request as JSON-RPC requires; the SDK drops it.
   * It also hears of a batch it cannot take: empty (id null), or over MAX_BATCH_MESSAGES (each request's id).
   * `advice` goes into the error for a message over the limit (MessageTooLongError).
   */
  constructor(
    private readonly maxBytes = MAX_STDIO_MESSAGE_BYTES,
    private readonly onSkipped?: (preview: string, last: boolean) => void,
    private readonly onInvalid?: (id: string | number | null, message: string) => void,
    private readonly advice?: string,
  ) {}

  append(chunk: Buffer): void {
    if (this.#size + chunk.length > this.maxBytes && chunk.indexOf(NEWLINE) === -1) {
      this.clear();
      throw new MessageTooLongError(this.maxBytes, this.advice);
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  /** The next complete message, or null until more arrives; a line that is not JSON is skipped, as the SDK does. */
  readMessage(): JSONRPCMessage | null {
    for (;;) {
      const batched = this.#batch.shift();
      if (batched) return batched;
      const end = this.#nextNewline();
      if (end === -1) return null;
      const data = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#size);
      const line = data.toString("utf8", 0, end).replace(/\r$/, "");
      const rest = data.subarray(end + 1);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#size = rest.length;
      this.#searched = 0;
      try {
        if (line.trimStart().charCodeAt(0) === BATCH_START) this.#readBatch(JSON.parse(line) as unknown[]);
        else return deserializeMessage(line);
      } catch (error) {
        if (!(error instanceof SyntaxError)) {
          const parsed: unknown = JSON.parse(line);
          const id = requestId(parsed);
          if (id === undefined || !this.onInvalid) throw error;
          this.onInvalid(id, invalidRequest(parsed));
          continue;
        }
        this.#skip(line);
      }
    }
  }

  /**
   * Queues the messages of a batch (2025-03-26 clients may send one; each request is answered on its own line, as
   * MCP's clients match answers by id). A batch over MAX_BATCH_MESSAGES is refused whole, as over HTTP; a member that
   * is not JSON-RPC is answered with Invalid Request when it has an id, and the others still run.
   */
  #readBatch(members: unknown[]): void {
    if (members.length === 0) {
      this.onInvalid?.(null, EMPTY_BATCH);
      return;
    }
    if (members.length > MAX_BATCH_MESSAGES) {
      const refusal = batchTooLarge(members.length);
      for (const member of members) {
        const id = requestId(member);
        if (id !== undefined) this.onInvalid?.(id, refusal);
      }
      return;
    }
    for (const member of members) {
      try {
        this.#batch.push(deserializeMessage(JSON.stringify(member)));
      } catch {
        const id = requestId(member);
        if (id !== undefined) this.onInvalid?.(id, invalidRequest(member));
      }
    }
  }

  /** A line that is not JSON: skipped, as the SDK does, and the first few reported. */
  #skip(line: string): void {
    this.#skipped++;
    if (this.onSkipped && this.#skipped <= SKIPPED_REPORTS) {
      const preview = line.length > 80 ? `${line.slice(0, 77)}...` : line;
      this.onSkipped(JSON.stringify(preview), this.#skipped === SKIPPED_REPORTS);
    }
  }

  clear(): void {
    this.#batch = [];
    this.#chunks = [];
    this.#size = 0;
    this.#searched = 0;
  }

  /** The offset of the first newline in the pending data, searching only what was not searched before. */
  #nextNewline(): number {
    let offset = 0;
    for (const chunk of this.#chunks) {
      if (offset + chunk.length > this.#searched) {
        const from = Math.max(0, this.#searched - offset);
        const at = chunk.indexOf(NEWLINE, from);
        if (at !== -1) return offset + at;
      }
      offset += chunk.length;
    }
    this.#searched = this.#size;
    if (this.#size > this.maxBytes) {
      this.clear();
      throw new MessageTooLongError(this.maxBytes, this.advice);
    }
    return -1;
  }
}

/**
 * The SDK's stdio transport reading with a LineReader; `onSkipped` and `advice` as LineReader's. A message with an id
 * that is not JSON-RPC is answered with Invalid Request (-32600), so its sender does not wait for a reply that never
 * comes.
 */
export function stdioTransport(
  maxBytes = MAX_STDIO_MESSAGE_BYTES,
  onSkipped?: (preview: string, last: boolean) => void,
  advice?: string,
): StdioServerTransport {
  const transport = new StdioServerTransport();
  // JSON-RPC's id null, for an error no request can be named by, is outside the SDK's message type.
  const answerInvalid = (id: string | number | null, message: string) =>
    void transport
      .send({ jsonrpc: "2.0", id, error: { code: -32600, message } } as unknown as JSONRPCMessage)
      .catch(() => {});
  // The SDK keeps its reader in a private field; everything else about the transport is its own.
  (transport as unknown as { _readBuffer: LineReader })._readBuffer = new LineReader(
    maxBytes,
    onSkipped,
    answerInvalid,
    advice,
  );
  return transport;
}
