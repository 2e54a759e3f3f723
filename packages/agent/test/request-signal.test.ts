import { getEventListeners } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ownSignalPerRequest } from "../src/request-signal.js";
import { httpTransport } from "../src/transports.js";

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A server on 127.0.0.1 that answers nothing until told to: every request stays in flight. */
async function holdingServer(): Promise<{ url: string; held: ServerResponse[] }> {
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => void held.push(res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, held };
}

describe("ownSignalPerRequest", () => {
  it("adds no listener to the signal it is handed, and still aborts every request in flight with it", async () => {
    const { url, held } = await holdingServer();
    const connection = new AbortController();
    const fetching = ownSignalPerRequest(fetch);
    const requests = Array.from({ length: 20 }, () => fetching(url, { method: "POST", signal: connection.signal }));
    while (held.length < 20) await new Promise((resolve) => setTimeout(resolve, 10));
    // Node's fetch, handed the connection's signal itself, holds one listener on it per request (20 here).
    expect(getEventListeners(connection.signal, "abort")).toHaveLength(0);
    connection.abort(new Error("transport closed"));
    const outcomes = await Promise.allSettled(requests);
    expect(outcomes.map((o) => (o.status === "rejected" ? String(o.reason) : "answered"))).toEqual(
      Array(20).fill("Error: transport closed"),
    );
  });

  it("passes a request without a signal on as it is", async () => {
    const { url, held } = await holdingServer();
    const answer = ownSignalPerRequest(fetch)(url);
    while (held.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    held[0]?.end("ok");
    expect(await (await answer).text()).toBe("ok");
  });
});

describe("the agent's Streamable HTTP transport", () => {
  // A 2025-era connection's requests, as a long session sends them: before, each held a listener on the connection's
  // one signal until it was garbage-collected, and past 1,500 every new one printed a MaxListenersExceededWarning.
  // Twenty in flight show it without opening thousands of sockets (the SDK keeps that signal in `_abortController`).
  it("leaves no listener on the connection's signal for the requests it has in flight", async () => {
    const { url, held } = await holdingServer();
    const transport = await httpTransport({ kind: "http", name: "remote", url, headers: {}, builtin: false });
    cleanup.push(() => transport.close());
    transport.onerror = () => {};
    await transport.start();
    for (let id = 1; id <= 20; id++) {
      void transport.send({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "hello" } }).catch(() => {});
    }
    while (held.length < 20) await new Promise((resolve) => setTimeout(resolve, 20));
    const connection = (transport as unknown as { _abortController?: AbortController })._abortController;
    expect(connection?.signal).toBeInstanceOf(AbortSignal);
    expect(getEventListeners(connection?.signal as AbortSignal, "abort")).toHaveLength(0);
  });
});
