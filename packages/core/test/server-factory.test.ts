// singleServer: closing the one server releases what its blueprint owns, and `await server.close()` waits for it.
// serverFactory: the audience a blueprint is handed listens while a change could reach a client, and says when it turns.
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { type Audience, AudienceSignal } from "../src/audience.js";
import { serverFactory, singleServer } from "../src/server-factory.js";
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

describe("serverFactory's audience, handed to a blueprint that watches for changes", () => {
  /** A factory whose blueprint keeps the audience it is handed, and records listening() at each turn. */
  function watched() {
    const turns: boolean[] = [];
    let audience: Audience | undefined;
    const factory = serverFactory({
      info: { name: "watched", version: "1.0.0" },
      tools: toolSet([]),
      onResourcesChanged: (_fire, given) => {
        audience = given;
        given.onChange(() => turns.push(given.listening()));
      },
    });
    return { factory, turns, listening: () => audience?.listening() };
  }

  it("listens while a connection is open, and turns as it opens and closes", async () => {
    const { factory, turns, listening } = watched();
    const server = factory();
    expect(listening()).toBe(false);
    const client = new Client({ name: "test", version: "1.0.0" });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    expect(listening()).toBe(true);
    await client.close();
    await server.close();
    expect(listening()).toBe(false);
    expect(turns).toEqual([true, false]);
  });

  it("does not listen for a server built for one HTTP request, which nobody can be told through", async () => {
    const { factory, turns, listening } = watched();
    const server = factory({ requestInfo: new Request("http://127.0.0.1/mcp") } as never);
    const client = new Client({ name: "test", version: "1.0.0" });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    expect(listening()).toBe(false);
    await client.close();
    expect(turns).toEqual([]);
  });

  it("follows the audience of a listener the HTTP layer adds, until it is removed", () => {
    const { factory, turns, listening } = watched();
    let open = false;
    const streams = new AudienceSignal(() => open);
    const remove = factory.onResourcesChanged(() => {}, streams);
    open = true;
    streams.changed();
    expect(listening()).toBe(true);
    remove();
    expect(listening()).toBe(false);
    streams.changed();
    expect(turns).toEqual([false, true, false]);
  });
});
