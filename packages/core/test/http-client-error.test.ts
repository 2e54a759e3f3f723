// Requests Node's HTTP parser refuses before our handler sees them, sent to a real serveHttp on 127.0.0.1: headers
// over the limit (a large OAuth token) get a 431 that says why and a warning without the token; other malformed
// requests get Node's own 400.

import { maxHeaderSize } from "node:http";
import { connect } from "node:net";
import type { Duplex } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { headersTooLargeReason } from "../src/http-client-error.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { createLogger } from "../src/logger.js";
import { echoFactory } from "./fixtures.js";

const TOKEN = "a-long-enough-shared-token-for-tests-0123456789";
const endpoints: HttpEndpoint[] = [];
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

async function serve() {
  const lines: string[] = [];
  const logger = createLogger("test", "warn", (line) => lines.push(line));
  const endpoint = await serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN, logger });
  endpoints.push(endpoint);
  return { url: endpoint.url, lines, endpoint };
}

/** Send raw bytes, and read what comes back until the server closes the connection. */
function raw(url: URL, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("utf8");
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.end(request);
  });
}

/** On one keep-alive connection: send `first`, read its whole answer, then send `second` and read until close. */
function rawTwice(url: URL, first: string, second: string): Promise<{ first: string; second: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let answer = "";
    let firstAnswer: string | undefined;
    socket.on("data", (chunk) => {
      answer += chunk.toString("utf8");
      if (firstAnswer !== undefined) return;
      // The answer is complete at its chunked body's last chunk, or after Content-Length bytes of body.
      const end = answer.indexOf("\r\n\r\n");
      const length = /^content-length: (\d+)$/im.exec(answer.slice(0, end));
      const complete = length ? answer.length >= end + 4 + Number(length[1]) : answer.endsWith("\r\n0\r\n\r\n");
      if (end < 0 || !complete) return;
      firstAnswer = answer;
      answer = "";
      socket.end(second);
    });
    socket.on("close", () => resolve({ first: firstAnswer ?? "", second: answer }));
    socket.on("error", reject);
    socket.write(first);
  });
}

describe("requests refused while their headers are parsed", () => {
  it("a bearer token over the header limit gets 431 with a JSON body saying what to do, and a warning without it", async () => {
    const { url, lines } = await serve();
    const token = `eyJ${"x".repeat(maxHeaderSize + 1024)}`;
    const response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(431);
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = (await response.json()) as { error: { message: string } };
    expect(body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32000 } });
    expect(body.error.message).toBe(`Request Header Fields Too Large: ${headersTooLargeReason(maxHeaderSize)}`);
    expect(body.error.message).toMatch(/^Request Header Fields Too Large: Request headers over 16 KiB/);
    expect(body.error.message).toMatch(/smaller one .* large_client_header_buffers/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[test\] warn: refused a request from 127\.0\.0\.1: HTTP 431: Request headers over 16 KiB/,
    );
    expect(lines[0]).not.toContain("xxxxxxxx");
  });

  it("on a keep-alive connection that has already been answered, oversized headers still get the 431 and a warning", async () => {
    const { url, lines } = await serve();
    const host = `Host: ${url.host}\r\n`;
    const token = `eyJ${"z".repeat(maxHeaderSize + 1024)}`;
    const answers = await rawTwice(
      url,
      `GET /healthz HTTP/1.1\r\n${host}\r\n`,
      `POST ${url.pathname} HTTP/1.1\r\n${host}Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
    );
    expect(answers.first).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answers.first).toMatch(/keep-alive/i);
    expect(answers.second).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    const body = JSON.parse(answers.second.slice(answers.second.indexOf("\r\n\r\n") + 4)) as {
      error: { message: string };
    };
    expect(body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32000 } });
    expect(body.error.message).toBe(`Request Header Fields Too Large: ${headersTooLargeReason(maxHeaderSize)}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[test\] warn: refused a request from 127\.0\.0\.1: HTTP 431: Request headers over 16 KiB/,
    );
    expect(lines[0]).not.toContain("zzzzzzzz");
  });

  it("a request Node cannot parse gets Node's own 400, and the server goes on serving", async () => {
    const { url, lines } = await serve();
    const answer = await raw(url, "NOT HTTP AT ALL\r\n\r\n");
    expect(answer).toBe("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    expect(lines).toEqual([]);
    expect((await fetch(new URL("/healthz", url))).status).toBe(200);
  });

  it("a slow client answered 408 is cut off, not left trickling headers into an open connection", async () => {
    const { url, endpoint } = await serve();
    const accepted = new Promise<Duplex>((resolve) => endpoint.server.once("connection", resolve));
    // Half-open allowed: like a slow-headers attacker, this client never closes its side.
    const socket = connect({ port: Number(url.port), host: url.hostname, allowHalfOpen: true });
    socket.on("error", () => {});
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("utf8");
    });
    const answered = new Promise((resolve) => socket.once("end", resolve));
    socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n`);
    // What Node does when headersTimeout (60 s) or requestTimeout (300 s) passes, without the wait.
    const timeout = Object.assign(new Error("Request timeout"), { code: "ERR_HTTP_REQUEST_TIMEOUT" });
    endpoint.server.emit("clientError", timeout, await accepted);
    await answered;
    expect(answer).toBe("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
    const open = () => new Promise<number>((resolve) => endpoint.server.getConnections((_, n) => resolve(n)));
    for (let tries = 0; tries < 100 && (await open()) > 0; tries++) {
      if (!socket.destroyed) socket.write("X-More: 1\r\n");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await open()).toBe(0);
    socket.destroy();
  });

  it("headers just under the limit still reach the handler (here: a wrong token, 401)", async () => {
    const { url } = await serve();
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${"y".repeat(maxHeaderSize - 2048)}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(401);
  });
});
