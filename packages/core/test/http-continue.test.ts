import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_HTTP_BODY_BYTES } from "../src/http-options.js";
import { bodyTooLarge } from "../src/http-refusal.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { echoFactory } from "./fixtures.js";

const TOKEN = "a-long-enough-shared-token-for-tests-0123456789";
const PING = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });

/**
 * Send a POST's head with `Expect: 100-continue` on a raw socket, and its body only once
 * the server says 100 Continue; then one more POST on the same connection if it stays open. What the server wrote,
 * whether it asked for the body, and whether it closed the connection.
 */
function expecting(url: URL, token: string, body: string) {
  return new Promise<{ text: string; continued: boolean; closed: boolean; sent: number }>((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const head = (length: number, expect: boolean) =>
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
      `Content-Length: ${length}\r\n${expect ? "Expect: 100-continue\r\n" : ""}\r\n`;
    let text = "";
    let continued = false;
    let sent = 0;
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (!continued && text.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
        continued = true;
        sent = Buffer.byteLength(body);
        socket.write(body);
      }
      // The first answer done (chunked, so it ends with an empty chunk), the connection is tried once more.
      if (text.split("\r\n0\r\n\r\n").length === 2 && !socket.writableEnded) {
        socket.write(`${head(Buffer.byteLength(PING), false)}${PING}`);
        socket.end();
      }
    });
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ text, continued, closed: text.split("\r\n0\r\n\r\n").length < 3, sent });
    });
    socket.write(head(Buffer.byteLength(body), true));
  });
}

describe("a POST that waits for 100 Continue before sending its body", () => {
  let endpoint: HttpEndpoint;
  beforeAll(async () => {
    endpoint = await serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN });
  });
  afterAll(() => endpoint.close());

  it("is asked for its body once admitted, answered, and keeps its connection", async () => {
    const answered = await expecting(endpoint.url, TOKEN, PING);
    expect(answered).toMatchObject({ continued: true, closed: false });
    expect(answered.text.match(/^HTTP\/1\.1 200 OK/gm)).toHaveLength(2);
  });

  it.each([
    ["declares more than the limit: 413, saying what to do", TOKEN, MAX_HTTP_BODY_BYTES + 1, 413, bodyTooLarge()],
    ["carries a wrong token: 401", "not-the-token", 16, 401, "the token is not"],
  ])(
    "is refused without uploading a byte when it %s, and its connection closes",
    async (_, token, size, status, says) => {
      // Node sent 100 Continue at once: the client uploaded the whole body to hear it was refused.
      const refused = await expecting(endpoint.url, token, "x".repeat(size));
      expect(refused).toMatchObject({ continued: false, closed: true, sent: 0 });
      expect(refused.text).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(refused.text).toMatch(/\r\nconnection: close\r\n/i);
      expect(refused.text).toContain(says);
    },
  );
});
