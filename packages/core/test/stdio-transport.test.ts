import { describe, expect, it } from "vitest";
import { batchTooLarge, EMPTY_BATCH, invalidRequest } from "../src/invalid-request.js";
import { LineReader } from "../src/stdio-transport.js";

const message = (id: number, pad = "") => ({ jsonrpc: "2.0", id, method: "ping", params: { pad } });
const line = (value: unknown) => `${JSON.stringify(value)}\n`;

/** Feed `text` in chunks of `size` bytes and collect every message read. */
function readAll(reader: LineReader, text: string, size: number): unknown[] {
  const bytes = Buffer.from(text);
  const out: unknown[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    reader.append(bytes.subarray(i, i + size));
    for (let m = reader.readMessage(); m !== null; m = reader.readMessage()) out.push(m);
  }
  return out;
}

describe("LineReader", () => {
  it.each([1, 3, 7, 64, 65536])("splits messages however the bytes arrive (chunks of %i)", (size) => {
    const text = line(message(1)) + line(message(2, "é∑😀")) + line(message(3, "x".repeat(1000)));
    expect(readAll(new LineReader(), text, size)).toEqual([
      message(1),
      message(2, "é∑😀"),
      message(3, "x".repeat(1000)),
    ]);
  });

  it("takes CRLF line ends and skips a line that is not JSON, as the SDK does", () => {
    const text = `${JSON.stringify(message(1))}\r\nnot json\n${line(message(2))}`;
    expect(readAll(new LineReader(), text, 5)).toEqual([message(1), message(2)]);
  });

  it("reports the first three lines it skips, with a short preview, then skips quietly", () => {
    const heard: [string, boolean][] = [];
    const reader = new LineReader(undefined, (preview, last) => heard.push([preview, last]));
    const junk = ["one", "x".repeat(100), "three", "four"].map((l) => `${l}\n`).join("");
    expect(readAll(reader, `${junk}${line(message(1))}`, 7)).toEqual([message(1)]);
    expect(heard).toEqual([
      ['"one"', false],
      [JSON.stringify(`${"x".repeat(77)}...`), false],
      ['"three"', true],
    ]);
  });

  it("reads an 8 MB message in linear time: each byte is searched once", () => {
    const big = message(9, "y".repeat(8 * 1024 * 1024));
    const bytes = Buffer.from(line(big));
    const reader = new LineReader();
    let searched = 0;
    const indexOf = Buffer.prototype.indexOf;
    Buffer.prototype.indexOf = function (this: Buffer, ...args: Parameters<Buffer["indexOf"]>) {
      searched += this.length - (typeof args[1] === "number" ? args[1] : 0);
      return indexOf.apply(this, args);
    };
    try {
      for (let i = 0; i < bytes.length; i += 65536) reader.append(bytes.subarray(i, i + 65536));
      expect(reader.readMessage()).toEqual(big);
    } finally {
      Buffer.prototype.indexOf = indexOf;
    }
    expect(searched).toBeLessThanOrEqual(bytes.length * 2);
  });

  it("passes the id of a JSON line that is not JSON-RPC to onInvalid, and reads on", () => {
    const invalid: (string | number | null)[] = [];
    const reader = new LineReader(undefined, undefined, (id) => invalid.push(id));
    const text = [
      JSON.stringify({ jsonrpc: "2.0", id: 7, method: 5 }),
      JSON.stringify({ jsonrpc: "1.0", id: "x", method: "ping" }),
      line(message(1)).trimEnd(),
    ].join("\n");
    expect(readAll(reader, `${text}\n`, 7)).toEqual([message(1)]);
    expect(invalid).toEqual([7, "x"]);
  });

  it.each<[string, unknown, string | number | null, RegExp]>([
    [
      "an id of null, which MCP forbids",
      { jsonrpc: "2.0", id: null, method: "ping" },
      null,
      /"id" must be .*, got null/,
    ],
    ["an object id", { jsonrpc: "2.0", id: { a: 1 }, method: "ping" }, null, /"id" must be .*, got \{"a":1\}/],
    ["a boolean id", { jsonrpc: "2.0", id: true, method: "ping" }, null, /"id" must be .*, got true/],
    [
      "params that are an array",
      { jsonrpc: "2.0", id: 3, method: "ping", params: [] },
      3,
      /"params" must be an object/,
    ],
    ["no jsonrpc", { id: 4, method: "ping" }, 4, /"jsonrpc" must be "2.0", got nothing/],
  ])("answers a request with %s by what is wrong, so its sender does not wait", (_, sent, id, why) => {
    const invalid: [string | number | null, string][] = [];
    const reader = new LineReader(undefined, undefined, (id, why) => invalid.push([id, why]));
    expect(readAll(reader, line(sent) + line(message(1)), 8)).toEqual([message(1)]);
    expect(invalid).toEqual([[id, expect.stringMatching(why)]]);
    expect(invalid[0]?.[1]).toMatch(/^Invalid Request: /);
  });

  it("reads the messages of a batch one by one, answering a member that is not JSON-RPC by its id", () => {
    const invalid: [string | number | null, string][] = [];
    const reader = new LineReader(undefined, undefined, (id, why) => invalid.push([id, why]));
    const notification = { jsonrpc: "2.0", method: "notifications/initialized" };
    const batch = [message(1), notification, { jsonrpc: "2.0", id: 9, method: 5 }, { id: 10 }, message(2)];
    const text = line(batch) + line(message(3));
    expect(readAll(reader, text, 5)).toEqual([message(1), notification, message(2), message(3)]);
    expect(invalid).toEqual([[9, invalidRequest({ jsonrpc: "2.0", id: 9, method: 5 })]]);
    expect(invalid[0]?.[1]).toBe('Invalid Request: "method" must be a string, got 5');
  });

  it.each([
    ["empty", [], [[null, EMPTY_BATCH]]],
    [
      "over 16 messages, none of which is read",
      [...Array.from({ length: 16 }, (_, i) => message(i)), { jsonrpc: "2.0", method: "notifications/initialized" }],
      Array.from({ length: 16 }, (_, i) => [i, batchTooLarge(17)]),
    ],
  ])("refuses a batch that is %s, and reads on", (_, batch, refusals) => {
    const invalid: [string | number | null, string][] = [];
    const reader = new LineReader(undefined, undefined, (id, why) => invalid.push([id, why]));
    expect(readAll(reader, line(batch) + line(message(99)), 64)).toEqual([message(99)]);
    expect(invalid).toEqual(refusals);
  });

  it("takes a batch after leading whitespace", () => {
    expect(readAll(new LineReader(), ` \t${line([message(1), message(2)])}`, 16)).toEqual([message(1), message(2)]);
  });

  it("skips a line that starts like a batch but is not JSON, as any other", () => {
    const heard: string[] = [];
    const reader = new LineReader(undefined, (preview) => heard.push(preview));
    expect(readAll(reader, `[{"jsonrpc"\n${line(message(1))}`, 8)).toEqual([message(1)]);
    expect(heard).toEqual([JSON.stringify('[{"jsonrpc"')]);
  });

  it("says how to send less in the server's own words, and in none when it has none", () => {
    const plain = new LineReader(1000);
    expect(() => readAll(plain, "x".repeat(2000), 100)).toThrow(/the connection is closed\. Send less per request$/);
    const advised = new LineReader(1000, undefined, undefined, "fewer rows per call");
    expect(() => readAll(advised, "x".repeat(2000), 100)).toThrow(/Send less per request \(fewer rows per call\)$/);
  });

  it("refuses a message longer than its limit, and forgets it", () => {
    const reader = new LineReader(1000);
    expect(() => readAll(reader, "x".repeat(2000), 100)).toThrow(/longer than 1000 bytes/);
    expect(readAll(reader, line(message(1)), 100)).toEqual([message(1)]);
  });
});
