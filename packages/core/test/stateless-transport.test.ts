import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { StatelessMultiplexTransport } from "../src/stateless-transport.js";
import { createEchoServer } from "./fixtures.js";

const call = (id: number | string, text: string, ms = 0): JSONRPCMessage => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: ms ? "slow_echo" : "echo", arguments: ms ? { text, ms } : { text } },
});

describe("StatelessMultiplexTransport", () => {
  it("routes each response to its own exchange, restoring the caller's id", async () => {
    const transport = new StatelessMultiplexTransport();
    await createEchoServer().connect(transport);
    const [first, second] = await Promise.all([
      transport.dispatch([call(7, "slow", 40)]),
      transport.dispatch([call(7, "fast")]),
    ]);
    expect(first).toMatchObject([{ id: 7, result: { content: [{ text: "slow" }] } }]);
    expect(second).toMatchObject([{ id: 7, result: { content: [{ text: "fast" }] } }]);
  });

  it("answers in-flight calls as cancelled when the client goes away", async () => {
    const transport = new StatelessMultiplexTransport();
    const server = createEchoServer();
    await server.connect(transport);
    const abort = new AbortController();
    const pending = transport.dispatch([call(1, "never seen", 2000)], undefined, abort.signal);
    setTimeout(() => abort.abort(), 20);
    expect(await pending).toMatchObject([{ id: 1, error: { code: -32800 } }]);
    await server.close();
  });

  it("refuses work after close", async () => {
    const transport = new StatelessMultiplexTransport();
    await transport.close();
    await expect(transport.dispatch([call(1, "x")])).rejects.toThrow(/closed/);
  });
});
