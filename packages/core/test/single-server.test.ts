// singleServer: closing the one server releases what its blueprint owns, and `await server.close()` waits for it.
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { singleServer } from "../src/single-server.js";
import { toolSet } from "../src/tool.js";

/** A server whose blueprint takes 50 ms to release, like the SQLite executor process checkpointing and exiting. */
function slowToRelease(creator?: string) {
  const log: string[] = [];
  const server = singleServer(
    {
      info: { name: "slow-release", version: "1.0.0" },
      tools: toolSet([]),
      close: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        log.push("released");
      },
    },
    creator,
  );
  return { server, log };
}

/** Connect a client to `server` in process. */
async function connected(server: ReturnType<typeof singleServer>): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return client;
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

  // The SDK's own refusal of a second transport says "call close() first"; that server's tools would then answer
  // "the server is shutting down … call again" to every call, for good, as what they use was released.
  it.each([
    ["server.close()", "server"],
    ["the client closing first", "client"],
  ] as const)("refuses to connect again after %s, naming what to call instead", async (_, closer) => {
    const { server, log } = slowToRelease("createSlowServer");
    const client = await connected(server);
    await (closer === "server" ? server.close() : client.close());
    const [, serverTransport] = InMemoryTransport.createLinkedPair();
    await expect(server.connect(serverTransport)).rejects.toThrow(
      "slow-release: this server was closed (its client disconnected, or close() was called) and released what it " +
        "opened, so it cannot be connected again: createSlowServer's server is for one connection. Call " +
        "createSlowServer again for the next connection, or serve many connections from one createSlowServerFactory",
    );
    await server.close();
    expect(log).toEqual(["released"]);
  });

  it("connects once as before: a second transport while connected is still the SDK's refusal", async () => {
    const { server } = slowToRelease();
    const client = await connected(server);
    expect((await client.listTools()).tools).toEqual([]);
    const [, serverTransport] = InMemoryTransport.createLinkedPair();
    await expect(server.connect(serverTransport)).rejects.toThrow("already connected");
    await server.close();
  });
});
