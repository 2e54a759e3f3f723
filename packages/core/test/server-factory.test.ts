// serverFactory: the audience a blueprint is handed listens while a change could reach a client, and says when it turns.
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { type Audience, AudienceSignal } from "../src/audience.js";
import { serverFactory } from "../src/server-factory.js";
import { toolSet } from "../src/tool.js";

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
