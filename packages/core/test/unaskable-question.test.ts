import { InMemoryTransport, McpServer, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { explainUnaskableCalls, unaskableMessage } from "../src/unaskable-question.js";

/** A server with the explanation installed, connected to an in-memory peer that keeps what it receives. */
async function connected() {
  const server = new McpServer({ name: "t", version: "1" });
  const calls = explainUnaskableCalls(server);
  const [ours, peer] = InMemoryTransport.createLinkedPair();
  const received: unknown[] = [];
  peer.onmessage = (message) => void received.push(message);
  await peer.start();
  await server.connect(ours);
  const refuse = (id: number) =>
    ours.send({
      jsonrpc: "2.0",
      id,
      error: { code: ProtocolErrorCode.MissingRequiredClientCapability, message: "Cannot request input" },
    });
  return { calls, refuse, received, close: () => server.close() };
}

describe("explainUnaskableCalls", () => {
  it("puts the reason before the SDK's -32021 message of a call reported, once, and leaves other answers alone", async () => {
    const { calls, refuse, received, close } = await connected();
    calls.refused(7, "Not done: why");
    await refuse(7);
    await refuse(7);
    await refuse(8);
    expect(received.map((m) => (m as { error: { message: string } }).error.message)).toEqual([
      "Not done: why (Cannot request input)",
      "Cannot request input",
      "Cannot request input",
    ]);
    await close();
  });

  it("remembers at most 256 calls awaiting their answers, forgetting the oldest (a cancelled call is never answered)", async () => {
    const { calls, refuse, received, close } = await connected();
    for (let id = 1; id <= 300; id++) calls.refused(id, `why ${id}`);
    await refuse(1);
    await refuse(44);
    await refuse(45);
    await refuse(300);
    expect(received.map((m) => (m as { error: { message: string } }).error.message)).toEqual([
      "Cannot request input",
      "Cannot request input",
      "why 45 (Cannot request input)",
      "why 300 (Cannot request input)",
    ]);
    await close();
  });
});

describe("unaskableMessage", () => {
  it("names the setting in the configurer's terms and the question", () => {
    expect(unaskableMessage("Delete a.txt?")).toContain('the user cannot be asked "Delete a.txt?"');
    expect(unaskableMessage("q", (key, value) => `${key}: "${value}"`)).toContain('confirm: "destructive"');
  });
});
