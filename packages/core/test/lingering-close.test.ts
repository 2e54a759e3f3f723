// A body too large to read to its end and keep the connection (past MAX_DROPPED_BODY_BYTES, or declared so) is answered
// 413 and its connection closed: lingering, so that a client still writing its body, which reads the answer only once
// done (many do), still finds the 413 rather than a reset; and within bounds, so that a client never done is cut.
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_DROPPED_BODY_BYTES } from "../src/http-body.js";
import { MAX_HTTP_BODY_BYTES } from "../src/http-options.js";
import { bodyTooLarge } from "../src/http-refusal.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { LINGER_IDLE_MS, LINGER_MAX_BYTES } from "../src/lingering-close.js";
import { echoFactory } from "./fixtures.js";

const TOKEN = "a-long-enough-shared-token-for-tests-0123456789";
const MIB = 1024 * 1024;
const endpoints: HttpEndpoint[] = [];
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

async function start(): Promise<URL> {
  const endpoint = await serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN });
  endpoints.push(endpoint);
  return endpoint.url;
}

interface Upload {
  /** What the client read once it had written what it meant to (or the connection closed under it). */
  answer: string;
  /** Bytes of the body written before the client stopped. */
  sent: number;
  /** The error its socket reported, if any (EPIPE, ECONNRESET). */
  error: string | undefined;
}

/**
 * POST a body of `send` bytes on a raw connection, declaring `declared` bytes (or chunked, when undefined), and read
 * nothing until it is all written or the connection is closed: a client that reads its answer once its body is out.
 */
function upload(url: URL, send: number, declared?: number): Promise<Upload> {
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.pause();
    let answer = "";
    let sent = 0;
    let error: string | undefined;
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error ??= e.code;
    });
    socket.on("close", () => resolve({ answer, sent, error }));
    const length = declared === undefined ? "Transfer-Encoding: chunked" : `Content-Length: ${declared}`;
    socket.write(
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        `Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n${length}\r\n\r\n`,
    );
    const part = Buffer.alloc(256 * 1024, 0x78);
    const framed =
      declared === undefined
        ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n")])
        : part;
    void (async () => {
      while (sent < send && !socket.destroyed) {
        sent += part.length;
        if (!socket.write(framed)) await new Promise((done) => socket.once("drain", done).once("close", done));
      }
      // Written: now it reads.
      socket.on("data", (chunk: Buffer) => {
        answer += chunk.toString("utf8");
      });
      socket.resume();
      if (!socket.destroyed) socket.end();
    })();
  });
}

describe("a body refused 413 whose connection closes", () => {
  it("declared past what is dropped, has its answer read by a client that reads only once it has written more", async () => {
    const url = await start();
    // Answered at its head; before, the connection was closed at once and the client's next bytes met a reset.
    const got = await upload(url, 16 * MIB, MAX_DROPPED_BODY_BYTES + 16 * MIB);
    expect(got.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(got.answer).toContain(bodyTooLarge());
    expect(got.error).toBeUndefined();
  });

  it("chunked past what is dropped, has its answer read by a client still writing when the connection closes", async () => {
    const url = await start();
    const past = MAX_HTTP_BODY_BYTES * 2 + MAX_DROPPED_BODY_BYTES + 8 * MIB;
    const got = await upload(url, past);
    expect(got.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(got.answer).toContain(bodyTooLarge());
    expect(got.error).toBeUndefined();
  });

  it("is cut once the client sends more than the lingering bound, however much it declared", async () => {
    const url = await start();
    const declared = 1024 * MIB;
    const got = await upload(url, declared, declared);
    expect(got.sent).toBeGreaterThan(LINGER_MAX_BYTES);
    expect(got.sent).toBeLessThan(declared);
  });

  it("is closed when the client stops sending, though it declared more and never closes its side", async () => {
    const url = await start();
    const endpoint = endpoints[0] as HttpEndpoint;
    const open = () => new Promise<number>((resolve) => endpoint.server.getConnections((_, count) => resolve(count)));
    // Its side open once the server has closed its own: the server lets go of it after LINGER_IDLE_MS without a byte.
    const socket = connect({ port: Number(url.port), host: url.hostname, allowHalfOpen: true });
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("utf8");
    });
    socket.on("error", () => {});
    socket.write(
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${MAX_DROPPED_BODY_BYTES + 1}\r\n\r\n{"a":`,
    );
    try {
      await expect.poll(() => answer).toMatch(/^HTTP\/1\.1 413 /);
      await expect.poll(open, { timeout: LINGER_IDLE_MS * 2, interval: 100 }).toBe(0);
    } finally {
      socket.destroy();
    }
  }, 15_000);
});
