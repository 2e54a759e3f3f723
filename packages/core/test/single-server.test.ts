// singleServer: closing the one server releases what its blueprint owns, and `await server.close()` waits for it.
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { singleServer } from "../src/single-server.js";
import { toolSet } from "../src/tool.js";

/** A server whose blueprint takes 50 ms to release, like the SQLite executor process checkpointing and exiting. */
function slowToRelease() {
  const log: string[] = [];
  const server = singleServer({
    info: { name: "slow-release", version: "1.0.0" },
    tools: toolSet([]),
    close: async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      log.push("released");
    },
  });
  return { server, log };
}

describe("singleServer", () => {
  it("has released what the blueprint owns when server.close() resolves", async () => {
    const { server, log } = slowToRelease();
    const client = new Client({ name: "test", version: "1.0.0" });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    await server.close();
    expect(log).toEqual(["released"]);
  });

  it("releases once when the client closed the connection first", async () => {
    const { server, log } = slowToRelease();
    const client = new Client({ name: "test", version: "1.0.0" });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    await client.close();
    await server.close();
    expect(log).toEqual(["released"]);
  });

  it("releases a server that was never connected", async () => {
    const { server, log } = slowToRelease();
    await server.close();
    expect(log).toEqual(["released"]);
  });
});
