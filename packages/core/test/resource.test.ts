// Resources through real clients of both generations: fixed ones and templates, resources/list in pages, reads,
// completion of template variables, clear errors, and the list_changed notification a 2025-era client receives
// (promised only where it can be delivered).
import { afterEach, describe, expect, it } from "vitest";
import { RESOURCE_PAGE_SIZE } from "../src/resource.js";
import { type ClientKind, connectClient, type TestClient } from "./clients.js";
import { textOf } from "./fixtures.js";
import { libraryFactory } from "./library.js";
import { listeningClient } from "./listener.js";

const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
});

async function library(kind: ClientKind, count: number) {
  const lib = libraryFactory(count);
  const client = await connectClient(lib.factory, kind);
  clients.push(client);
  return { ...lib, client };
}

async function listAll(client: TestClient) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listResources(cursor === undefined ? {} : { cursor });
    pages.push(page.resources.map((r) => r.uri));
    cursor = page.nextCursor;
  } while (cursor !== undefined && pages.length < 10);
  return pages;
}

describe.each<ClientKind>(["modern", "v2@2025-11-25", "v1@2025-11-25", "v1@2025-06-18"])(
  "resources with a %s client",
  (kind) => {
    it(`lists in pages of ${RESOURCE_PAGE_SIZE}, the fixed resources first, each exactly once`, async () => {
      const { client } = await library(kind, 250);
      const pages = await listAll(client);
      // The catalogue and the stats resource, then 250 books: 252 in pages of 100. A v2 client follows the cursors
      // itself and answers the whole list; the v1 client shows each page.
      expect(pages.map((page) => page.length)).toEqual(kind.startsWith("v1") ? [100, 100, 52] : [252]);
      const all = pages.flat();
      expect(all.slice(0, 3)).toEqual(["library://catalogue", "library://stats", "library://book/book-000"]);
      expect(new Set(all).size).toBe(252);
      expect(all.at(-1)).toBe("library://book/book-249");
    });

    it("answers one page, without a cursor, when everything fits", async () => {
      const { client } = await library(kind, 3);
      const page = await client.listResources();
      expect(page.resources).toHaveLength(5);
      expect(page.nextCursor).toBeUndefined();
    });

    it.each(["garbage", Buffer.from("o:-1").toString("base64url"), Buffer.from("x:5").toString("base64url")])(
      "refuses a cursor it did not give out (%s)",
      async (cursor) => {
        const { client } = await library(kind, 3);
        await expect(client.listResources({ cursor })).rejects.toThrow(/Invalid cursor: pass back the nextCursor/);
      },
    );

    it("lists the template, reads a resource through it, and completes its variable", async () => {
      const { client } = await library(kind, 30);
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates).toEqual([
        expect.objectContaining({ name: "book", uriTemplate: "library://book/{name}", mimeType: "text/plain" }),
      ]);
      const read = await client.readResource({ uri: "library://book/book-007" });
      expect(read.contents).toEqual([
        { uri: "library://book/book-007", mimeType: "text/plain", text: "text of book 7" },
      ]);
      const { completion } = await client.complete({
        ref: { type: "ref/resource", uri: "library://book/{name}" },
        argument: { name: "name", value: "book-02" },
      });
      expect(completion.values).toEqual([...Array(10)].map((_, i) => `book-02${i}`));
    });

    it.each([
      ["an unknown item of a template", "library://book/book-999", /No book named "book-999": resources\/list shows/],
      ["a URI no resource has", "library://elsewhere", /Resource not found: library:\/\/elsewhere/],
    ])("answers %s with a clear error", async (_, uri, message) => {
      const { client } = await library(kind, 3);
      await expect(client.readResource({ uri })).rejects.toThrow(message);
    });

    it("serves live statistics that include the calls made just before", async () => {
      const { client } = await library(kind, 3);
      await client.callTool({ name: "add_book", arguments: { name: "new", text: "t" } });
      await client.callTool({ name: "add_book", arguments: { name: "xrated", text: "t" } });
      await client.callTool({ name: "add_book", arguments: { name: 5 } });
      // A read refused by a policy counts under refusals as a call does; one that finds nothing does not.
      await expect(client.readResource({ uri: "library://book/xrated" })).rejects.toThrow("refused: xrated");
      await expect(client.readResource({ uri: "library://book/none" })).rejects.toThrow(/No book named/);
      const read = await client.readResource({ uri: "library://stats" });
      const [content] = read.contents;
      expect(content).toMatchObject({ uri: "library://stats", mimeType: "application/json" });
      const report = JSON.parse((content as { text: string }).text);
      expect(report).toMatchObject({
        calls: 3,
        errors: 2,
        tools: { add_book: { calls: 3, errors: 2 } },
        refusals: { banned: 2 },
      });
      expect(report.tools.add_book.p50_ms).toBeGreaterThan(0);
      expect(report.tools.add_book.bytes).toBeGreaterThan(0);
      expect(report.uptime_s).toBeGreaterThanOrEqual(0);
    });
  },
);

describe.each<ClientKind>(["v2@2025-11-25", "v1@2025-11-25"])("a changed list, told to a %s client", (kind) => {
  it("sends notifications/resources/list_changed after the list changed, and the new list has the item", async () => {
    const lib = libraryFactory(2);
    let told = 0;
    const client = await connectClient(lib.factory, kind);
    clients.push(client);
    expect(client.getServerCapabilities()?.resources).toEqual({ listChanged: true });
    const raw = client as unknown as {
      setNotificationHandler(method: unknown, handler: () => void): void;
    };
    if (kind.startsWith("v1")) {
      const { ResourceListChangedNotificationSchema } = await import("@modelcontextprotocol/sdk/types.js");
      raw.setNotificationHandler(ResourceListChangedNotificationSchema, () => told++);
    } else {
      raw.setNotificationHandler("notifications/resources/list_changed", () => told++);
    }
    expect(textOf(await client.callTool({ name: "add_book", arguments: { name: "fresh", text: "new" } }))).toBe(
      "added fresh",
    );
    await expect.poll(() => told).toBe(1);
    const uris = (await client.listResources()).resources.map((r) => r.uri);
    expect(uris).toContain("library://book/fresh");
  });
});

describe.each<ClientKind>(["v2@2025-11-25", "v1@2025-06-18"])(
  "listChanged promised to a %s client over HTTP",
  (kind) => {
    it.each([
      ["stateless, where no stream could carry it", false, false],
      ["--stateful, where its session's stream carries it", true, true],
    ])("%s", async (_, stateful, promised) => {
      const { serveHttp } = await import("../src/http-server.js");
      const token = "t".repeat(32);
      const endpoint = await serveHttp(libraryFactory(2).factory, { host: "127.0.0.1", port: 0, token, stateful });
      try {
        const client = await connectClient({ url: endpoint.url, token }, kind);
        clients.push(client);
        expect(client.getServerCapabilities()?.resources).toEqual({ listChanged: promised });
      } finally {
        for (const client of clients.splice(0)) await client.close().catch(() => {});
        await endpoint.close();
      }
    });
  },
);

describe("a changed list, told to a 2026-07-28 client over HTTP", () => {
  it("reaches a client listening (subscriptions/listen), which then sees the new item", async () => {
    const { serveHttp } = await import("../src/http-server.js");
    const lib = libraryFactory(2);
    const token = "t".repeat(32);
    const endpoint = await serveHttp(lib.factory, { host: "127.0.0.1", port: 0, token });
    const seen: string[][] = [];
    try {
      // Resolved once the listen stream is acknowledged: a change sent before that reaches nobody.
      const client = await listeningClient(endpoint.url, token, (uris) => seen.push(uris));
      try {
        expect(client.protocolVersion()).toBe("2026-07-28");
        expect(client.getServerCapabilities()?.resources).toEqual({ listChanged: true });
        await client.callTool({ name: "add_book", arguments: { name: "fresh", text: "new" } });
        await expect.poll(() => seen.flat(), { timeout: 5000 }).toContain("library://book/fresh");
      } finally {
        await client.close();
      }
    } finally {
      await endpoint.close();
    }
  });
});
