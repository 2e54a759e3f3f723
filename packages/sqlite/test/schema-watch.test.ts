// Tables created or dropped by another connection (another process here, as a migration tool or the sqlite3 shell
// would) reach listening clients as notifications/resources/list_changed, once; the server's own writes are told once.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { AudienceSignal, type Logger } from "@mcp-toolkit/core";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientKind, connectClient, type TestClient } from "../../core/test/clients.js";
import type { Limits } from "../src/engine-request.js";
import { InlineExecutor } from "../src/executor.js";
import { SchemaWatch } from "../src/schema-watch.js";
import { createSqliteServerFactory } from "../src/server.js";
import { eventually, executorEntry, seedDatabase, tempDir } from "./helpers.js";

/** Run `sql` on the file from a separate Node process, through its own better-sqlite3 connection. */
async function otherProcess(path: string, sql: string): Promise<void> {
  const sqlite = createRequire(import.meta.url).resolve("better-sqlite3");
  const script = `const Database = require(${JSON.stringify(sqlite)});
    const db = new Database(${JSON.stringify(path)}, { timeout: 5000 });
    db.exec(${JSON.stringify(sql)});
    db.close();`;
  await promisify(execFile)(process.execPath, ["-e", script], { timeout: 10_000 });
}

const uris = async (client: Pick<TestClient, "listResources">) =>
  (await client.listResources()).resources.map((r) => r.uri);

/** A seeded database at `path`, served over HTTP on 127.0.0.1 with a token; `close` stops the endpoint, then the factory. */
async function servedOverHttp(path: string, options: { stateful?: boolean; logger?: Logger } = {}) {
  const { serveHttp } = await import("@mcp-toolkit/core");
  seedDatabase(path);
  const { stateful, logger } = options;
  const factory = createSqliteServerFactory({
    database: path,
    executorEntry: await executorEntry(),
    ...(logger ? { logger } : {}),
  });
  const token = "t".repeat(32);
  const endpoint = await serveHttp(factory, { host: "127.0.0.1", port: 0, token, ...(stateful ? { stateful } : {}) });
  const close = async () => {
    await endpoint.close();
    await factory.close();
  };
  return { url: endpoint.url, token, close };
}

describe.each([
  { mode: "read-write", readOnly: false },
  { mode: "read-only", readOnly: true },
])("a $mode server, when another process changes the tables", ({ readOnly }) => {
  const tmp = tempDir();
  const path = join(tmp.dir, "data.db");
  let factory: ReturnType<typeof createSqliteServerFactory>;
  let client: TestClient;
  let told = 0;
  beforeAll(async () => {
    seedDatabase(path);
    factory = createSqliteServerFactory({ database: path, readOnly, executorEntry: await executorEntry() });
    client = await connectClient(factory, "v1@2025-11-25", undefined, { onResourceListChanged: () => told++ });
    // What the client has seen; the server notes the list as it lists it, so every change after this is told.
    expect(await uris(client)).toContain("sqlite://table/items");
  });
  afterAll(async () => {
    await client.close();
    await factory.close();
    tmp.cleanup();
  });

  it("declares that the list changes, and tells the client of a table created, then of one dropped", async () => {
    expect(client.getServerCapabilities()?.resources).toMatchObject({ listChanged: true });
    await otherProcess(path, "CREATE TABLE theirs (x)");
    expect(await eventually(() => told === 1)).toBe(true);
    expect(await uris(client)).toContain("sqlite://table/theirs");
    await otherProcess(path, "DROP TABLE theirs");
    expect(await eventually(() => told === 2)).toBe(true);
    expect(await uris(client)).not.toContain("sqlite://table/theirs");
  });
});

describe("a 2026-07-28 client listening over HTTP, when another process creates a table", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "http.db");
  afterAll(() => tmp.cleanup());

  it("hears of it on its subscriptions/listen stream, and its refreshed list has the table", async () => {
    const { Client, StreamableHTTPClientTransport } = await import("@modelcontextprotocol/client");
    const served = await servedOverHttp(path);
    const seen: string[][] = [];
    const client = new Client(
      { name: "listener", version: "1.0.0" },
      {
        versionNegotiation: { mode: "auto" },
        listChanged: {
          resources: {
            onChanged: (error, resources) => void (error || seen.push((resources ?? []).map((r) => r.uri))),
          },
        },
      },
    );
    try {
      const headers = { authorization: `Bearer ${served.token}` };
      await client.connect(new StreamableHTTPClientTransport(served.url, { requestInit: { headers } }));
      expect(await eventually(() => client.autoOpenedSubscription !== undefined)).toBe(true);
      expect((await client.listResources()).resources.map((r) => r.uri)).toContain("sqlite://table/items");
      await otherProcess(path, "CREATE TABLE theirs (x)");
      expect(await eventually(() => seen.flat().includes("sqlite://table/theirs"))).toBe(true);
    } finally {
      await client.close();
      await served.close();
    }
  });
});

describe("a 2025-era client in a --stateful HTTP session, when another process creates a table", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "session.db");
  afterAll(() => tmp.cleanup());

  it("hears of it on its session, and its list has the table", async () => {
    const served = await servedOverHttp(path, { stateful: true });
    let told = 0;
    const client = await connectClient(served, "v1@2025-11-25", undefined, { onResourceListChanged: () => told++ });
    try {
      expect(await uris(client)).toContain("sqlite://table/items");
      await otherProcess(path, "CREATE TABLE theirs (x)");
      expect(await eventually(() => told === 1)).toBe(true);
      expect(await uris(client)).toContain("sqlite://table/theirs");
    } finally {
      await client.close();
      await served.close();
    }
  });
});

describe("SchemaWatch.poll", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "poll.db");
  const limits: Limits = { maxRows: 10, maxBytes: 10_000, allowAttach: false, countMs: 0 };
  let db: Database.Database;
  let executor: InlineExecutor;
  beforeAll(() => {
    seedDatabase(path);
    db = new Database(path);
    executor = new InlineExecutor(db, { readOnly: false, timeoutMs: 5000, busyTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await executor.close();
    db.close();
    tmp.cleanup();
  });

  it("tells of the server's own write once, and of another connection's change at the next tick", async () => {
    const watch = new SchemaWatch(executor, limits);
    let told = 0;
    watch.subscribe(() => told++);
    // Each tick that starts a check asks listening() first; two more calls mean a whole check ran in between.
    let ticks = 0;
    const ticked = async (more: number) => {
      const until = ticks + more;
      expect(await eventually(() => ticks >= until)).toBe(true);
    };
    watch.poll(new AudienceSignal(() => ++ticks > 0), 10);
    try {
      await watch.before(); // notes the list, and starts the ticks
      await ticked(2);
      await executor.run({ op: "write", sql: "CREATE TABLE ours (x)", limits });
      await watch.after();
      expect(told).toBe(1);
      await ticked(3);
      expect(told).toBe(1);
      const other = new Database(path);
      other.exec("CREATE TABLE theirs (x)");
      other.close();
      await ticked(3);
      expect(told).toBe(2);
    } finally {
      watch.stop();
    }
  });

  it("runs no timer while no client could be told, starts it when one could, and clears it when none can", async () => {
    const watch = new SchemaWatch(executor, limits);
    let told = 0;
    watch.subscribe(() => told++);
    let open = false;
    const audience = new AudienceSignal(() => open);
    watch.poll(audience, 10);
    try {
      await watch.before();
      expect(watch.polling).toBe(false);
      db.exec("CREATE TABLE unheard (x)");
      open = true;
      audience.changed();
      expect(watch.polling).toBe(true);
      // The change made while nobody listened is told once someone does: the list was noted before it.
      expect(await eventually(() => told === 1)).toBe(true);
      open = false;
      audience.changed();
      expect(watch.polling).toBe(false);
    } finally {
      watch.stop();
    }
  });

  it("waits for the list to be noted, stops at a tick that finds nobody there, and stays stopped once stopped", async () => {
    const watch = new SchemaWatch(executor, limits);
    let open = true;
    const audience = new AudienceSignal(() => open);
    watch.poll(audience, 10);
    expect(watch.polling).toBe(false);
    await watch.before();
    expect(watch.polling).toBe(true);
    open = false; // unannounced
    expect(await eventually(() => !watch.polling)).toBe(true);
    open = true;
    audience.changed();
    expect(watch.polling).toBe(true);
    watch.stop();
    expect(watch.polling).toBe(false);
    audience.changed();
    expect(watch.polling).toBe(false);
  });
});

/** A logger that keeps the server's debug lines, where it says when its schema poll starts and stops. */
function keptLog(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (line: string) => void lines.push(line);
  return { logger: { debug: keep, info: keep, warn: keep, error: keep }, lines };
}
const pollLines = (lines: string[]) => lines.filter((line) => line.startsWith("schema poll:"));

describe.each<ClientKind>(["modern", "v1@2025-11-25"])(
  "a %s client over stateless HTTP, which no change can reach",
  (kind) => {
    const tmp = tempDir();
    const path = join(tmp.dir, "stateless.db");
    afterAll(() => tmp.cleanup());

    it("lists the tables without starting the schema poll", async () => {
      const { logger, lines } = keptLog();
      const served = await servedOverHttp(path, { logger });
      const client = await connectClient(served, kind);
      try {
        expect(await uris(client)).toContain("sqlite://table/items");
        expect(await uris(client)).toContain("sqlite://table/items");
        expect(pollLines(lines)).toEqual([]);
      } finally {
        await client.close();
        await served.close();
      }
    });
  },
);

describe("a 2026-07-28 client over HTTP that lists first and listens later", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "later.db");
  afterAll(() => tmp.cleanup());

  it("starts the poll when its listen stream opens, hears of a table created elsewhere, and stops it at close", async () => {
    const { logger, lines } = keptLog();
    const served = await servedOverHttp(path, { logger });
    const { Client, StreamableHTTPClientTransport } = await import("@modelcontextprotocol/client");
    let told = 0;
    // No listChanged option: the client opens no listen stream until it asks for one.
    const client = new Client({ name: "later", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });
    client.setNotificationHandler("notifications/resources/list_changed", () => void told++);
    const headers = { authorization: `Bearer ${served.token}` };
    await client.connect(new StreamableHTTPClientTransport(served.url, { requestInit: { headers } }));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
      expect(await uris(client)).toContain("sqlite://table/items");
      expect(pollLines(lines)).toEqual([]);
      const subscription = await client.listen({ resourcesListChanged: true });
      expect(pollLines(lines)).toEqual([expect.stringMatching(/^schema poll: on, every 2000 ms/)]);
      await otherProcess(path, "CREATE TABLE theirs (x)");
      expect(await eventually(() => told === 1)).toBe(true);
      expect(await uris(client)).toContain("sqlite://table/theirs");
      await subscription.close();
      expect(await eventually(() => pollLines(lines).length === 2)).toBe(true);
      expect(pollLines(lines)[1]).toBe("schema poll: off (no client can be told of a change)");
    } finally {
      await client.close();
      await served.close();
    }
  });
});

describe("the built bin on stdio, when another process creates a table", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "stdio.db");
  afterAll(() => tmp.cleanup());

  it("starts the poll once the client lists the tables, and the client hears of the new one", async () => {
    seedDatabase(path);
    let stderr = "";
    let told = 0;
    const cli = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));
    const target = {
      command: process.execPath,
      args: [cli, "--db", path, "--log-level", "debug"],
      onStderr: (text: string) => {
        stderr += text;
      },
    };
    const client = await connectClient(target, "v1@2025-11-25", undefined, { onResourceListChanged: () => told++ });
    try {
      expect(await uris(client)).toContain("sqlite://table/items");
      expect(await eventually(() => stderr.includes("schema poll: on"))).toBe(true);
      await otherProcess(path, "CREATE TABLE theirs (x)");
      expect(await eventually(() => told === 1)).toBe(true);
      expect(await uris(client)).toContain("sqlite://table/theirs");
    } finally {
      await client.close();
    }
  });
});
