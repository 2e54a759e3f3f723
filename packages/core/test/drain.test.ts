import { Agent, createServer, request, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { drainable } from "../src/drain.js";

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

/**
 * A server whose POSTs are answered after `answerMs` (never, when undefined), but for one to /quick, answered at once,
 * and whose GETs stream forever, as does a POST to /listen, which it untracks (a 2026-07-28 listen stream).
 */
async function start(answerMs: number | undefined) {
  const server = createServer((req, res) => {
    if (req.method === "GET") return void res.writeHead(200, { "content-type": "text/event-stream" }).write(": hi\n\n");
    if (req.url === "/quick") return void res.end("quick");
    // As the SDK answers a 2025-era call: an event stream whose headers say keep-alive.
    if (req.url === "/stream-answer") {
      const answer = () => res.writeHead(200, { "content-type": "text/event-stream", connection: "keep-alive" }).end();
      return void setTimeout(answer, answerMs ?? 0);
    }
    if (req.url === "/listen") {
      stopping.untrack(res);
      return void res.writeHead(200, { "content-type": "text/event-stream" }).write(": hi\n\n");
    }
    if (answerMs !== undefined) setTimeout(() => res.end("answered"), answerMs);
  });
  servers.push(server);
  const stopping = drainable(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { stopping, url };
}

const post = (url: string) => fetch(url, { method: "POST", body: "{}" });

describe("drainable", () => {
  it("answers the calls already running, and takes no new connection", async () => {
    const { stopping, url } = await start(300);
    const running = post(url);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const drained = stopping.drain(5000);
    const answer = await running;
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe("answered");
    expect(await drained).toBe(true);
    await expect(post(url)).rejects.toThrow();
    await stopping.close();
  });

  it.each([
    ["as it does later ones", ""],
    ["though its handler wrote keep-alive", "stream-answer"],
  ])("answers a call running when the drain began with Connection: close, %s", async (_, path) => {
    const { stopping, url } = await start(300);
    const answered = new Promise<string | undefined>((resolve, reject) => {
      const req = request(`${url}${path}`, { method: "POST", agent: new Agent({ keepAlive: true }) }, (res) => {
        res.resume();
        resolve(res.headers.connection);
      });
      req.on("error", reject);
      req.end("{}");
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const drained = stopping.drain(5000);
    expect(await answered).toBe("close");
    expect(await drained).toBe(true);
    await stopping.close();
  });

  it("closes the connection of a client that asked for Connection: close, though the handler wrote keep-alive", async () => {
    const { stopping, url } = await start(0);
    const { port } = new URL(url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1");
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString("utf8");
      });
      // Resolved only once the server closes the connection, as the client asked.
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
      socket.write(
        "POST /stream-answer HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer.toLowerCase()).toContain("connection: close");
    expect(answer.toLowerCase()).not.toContain("keep-alive");
    await stopping.close();
  });

  it("cuts a call still running when the time is up, and is not held by a stream", async () => {
    const { stopping, url } = await start(undefined);
    const stream = await fetch(url);
    expect(stream.status).toBe(200);
    let settled = false;
    const running = post(url)
      .catch((error: Error) => error)
      .finally(() => {
        settled = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The open GET stream would hold a drain that waited for it until the test's own time limit.
    expect(await stopping.drain(200)).toBe(false);
    expect(settled).toBe(false);
    await stopping.close();
    expect(await running).toBeInstanceOf(Error);
  });

  it("does not wait for a POST answered as a stream it was told to untrack, and cuts it on close", async () => {
    const { stopping, url } = await start(undefined);
    const stream = await fetch(`${url}listen`, { method: "POST", body: "{}" });
    expect(stream.status).toBe(200);
    const body = stream.text().catch((error: Error) => error);
    // With a deadline of an hour: a drain that waited for the stream would fail the test on its own time limit.
    expect(await stopping.drain(3_600_000)).toBe(true);
    await stopping.close();
    expect(await body).toBeInstanceOf(Error);
  });

  it("answers a request sent down an idle keep-alive connection as the drain began, rather than cutting it", async () => {
    const { stopping, url } = await start(0);
    // A proxy's connection pool: one connection, reused. nginx picks an idle one and sends a call down it; closed
    // under that call, the connection would leave nginx answering 502, unable to resend a POST.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = () =>
      new Promise<{ status: number | undefined; connection: string | undefined }>((resolve, reject) => {
        const req = request(url, { method: "POST", agent }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode, connection: res.headers.connection }));
        });
        req.on("error", reject);
        req.end("{}");
      });
    expect(await send()).toEqual({ status: 200, connection: "keep-alive" });
    const drained = stopping.drain(5000);
    expect(await send()).toEqual({ status: 200, connection: "close" });
    expect(await drained).toBe(true);
    await expect(post(url)).rejects.toThrow();
    await stopping.close();
    agent.destroy();
  });

  it("closes the idle keep-alive connections after the grace even while a call runs on, so a proxy goes elsewhere", async () => {
    const { stopping, url } = await start(undefined);
    const running = post(url).catch((error: Error) => error);
    // A proxy's pooled connection, idle after its answer: left open for the whole drain, nginx would send new calls
    // down it to this replica, to be stopped with the one still running.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const idle = await new Promise<import("node:net").Socket>((resolve, reject) => {
      const req = request(`${url}quick`, { method: "POST", agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(req.socket as import("node:net").Socket));
      });
      req.on("error", reject);
      req.end("{}");
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = new Promise<string>((resolve) => idle.once("close", () => resolve("idle connection closed")));
    const drained = stopping.drain(2000).then((done) => `drain over, done: ${done}`);
    // The connection goes while the call still runs: before the drain gives up on it.
    expect(await Promise.race([closed, drained])).toBe("idle connection closed");
    expect(await drained).toBe("drain over, done: false");
    await stopping.close();
    expect(await running).toBeInstanceOf(Error);
    agent.destroy();
  });

  it("returns at once with nothing running, and closes after", async () => {
    const { stopping } = await start(10);
    // With a deadline of an hour: a drain that waited for it would fail the test on its own time limit.
    expect(await stopping.drain(3_600_000)).toBe(true);
    await stopping.close();
  });
});
