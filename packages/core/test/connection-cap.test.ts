// Connections per client address, against a real serveHttp on 127.0.0.1: one address holding the cap gets a 429 that
// says why on the next connection, which is closed, while its open ones still work and a closed one makes room; a
// proxy named by trustProxy is not counted. The counting itself is a pure table.

import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AddressConnections } from "../src/connection-cap.js";
import { MAX_CONNECTIONS_PER_ADDRESS } from "../src/http-options.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { createLogger } from "../src/logger.js";
import { echoFactory } from "./fixtures.js";

const TOKEN = "a-long-enough-shared-token-for-tests-0123456789";
const endpoints: HttpEndpoint[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

async function serve(trustProxy?: string[]) {
  const lines: string[] = [];
  const logger = createLogger("test", "warn", (line) => lines.push(line));
  const endpoint = await serveHttp(echoFactory(), {
    host: "127.0.0.1",
    port: 0,
    token: TOKEN,
    logger,
    ...(trustProxy ? { trustProxy } : {}),
  });
  endpoints.push(endpoint);
  return { url: endpoint.url, lines };
}

/** Open `count` connections that send nothing, each connected before the next. */
async function hold(url: URL, count: number): Promise<Socket[]> {
  const opened: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = connect(Number(url.port), url.hostname);
    socket.on("error", () => undefined);
    sockets.push(socket);
    opened.push(socket);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  }
  return opened;
}

/** Send a request on a new connection and read until the server closes it. */
function ask(url: URL, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    sockets.push(socket);
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("utf8");
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(answer));
    socket.end(request);
  });
}

const health = (url: URL) => `GET /healthz HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`;

describe("connections per address", () => {
  it.each([
    ["takes up to the limit", ["a", "a", "a"], [true, true, false]],
    ["counts each address alone", ["a", "a", "b", "b"], [true, true, true, true]],
  ])("%s", (_, addresses, expected) => {
    const open = new AddressConnections(2);
    expect(addresses.map((address) => open.take(address))).toEqual(expected);
  });

  it("a released connection makes room again", () => {
    const open = new AddressConnections(1);
    expect(open.take("a")).toBe(true);
    open.release("a");
    expect(open.take("a")).toBe(true);
    expect(open.take("a")).toBe(false);
  });

  it("one connection past the cap is answered 429 saying why, and closed; the ones open still work", async () => {
    const { url, lines } = await serve();
    const held = await hold(url, MAX_CONNECTIONS_PER_ADDRESS - 1);
    expect(await ask(url, health(url))).toMatch(/^HTTP\/1\.1 200 /);
    const last = await hold(url, 1);
    const refused = await ask(url, health(url));
    expect(refused).toMatch(/^HTTP\/1\.1 429 /);
    const body = JSON.parse(refused.slice(refused.indexOf("\r\n\r\n") + 4)) as { error: { message: string } };
    expect(body.error.message).toContain(`127.0.0.1 has ${MAX_CONNECTIONS_PER_ADDRESS} open to this server`);
    expect(body.error.message).toContain("trustProxy");
    expect(lines.join("\n")).toContain("refused a connection from 127.0.0.1: HTTP 429: Too many connections");
    // A held connection is still served, and once one closes a new connection is taken.
    const answer = new Promise<string>((resolve) => {
      let text = "";
      last[0]?.on("data", (chunk) => {
        text += chunk.toString("utf8");
      });
      last[0]?.on("close", () => resolve(text));
    });
    last[0]?.end(health(url));
    expect(await answer).toMatch(/^HTTP\/1\.1 200 /);
    held[0]?.destroy();
    await new Promise<void>((resolve) => held[0]?.once("close", () => resolve()));
    let later = await ask(url, health(url));
    // The server may not have seen the close yet; it is counted within a few more tries.
    for (let i = 0; i < 20 && !later.startsWith("HTTP/1.1 200"); i++) later = await ask(url, health(url));
    expect(later).toMatch(/^HTTP\/1\.1 200 /);
  });

  it("a trusted proxy's connections are not counted", async () => {
    const { url } = await serve(["loopback"]);
    await hold(url, MAX_CONNECTIONS_PER_ADDRESS);
    expect(await ask(url, health(url))).toMatch(/^HTTP\/1\.1 200 /);
  });
});
