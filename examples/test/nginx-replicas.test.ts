import { chmod, mkdtemp, realpath, rm } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CLIENT_KINDS, connectClient, type TestClient } from "../../packages/core/test/clients.js";
import { REPO, type Started, startUntil, textOf } from "./helpers.js";
import {
  type AccessRecord,
  childPids,
  cmdlineOf,
  findNginx,
  livePids,
  type Nginx,
  readmeNginxConfig,
  startNginx,
  testConfig,
} from "./nginx.js";

// The README's "Deploy for a team", for real: the Debian nginx running the README's config (only ports and the log
// folder changed) in front of two mcp-sqlite replicas sharing one database file and two mcp-http replicas, all the
// built bins, with real SDK clients of both protocol eras.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const TOKEN = "nginx-replicas-test-token";
/** The README's server_name and --allowed-host. */
const PUBLIC_NAME = "mcp.example.com";
const SQLITE_BIN = join(REPO, "packages/sqlite/dist/cli.cjs");
const HTTP_BIN = join(REPO, "packages/http/dist/cli.cjs");
const ORIGIN_BODY = "hello from the origin";

// Skipped only where nginx cannot be installed, which .ci/run reports in MCP_TOOLKIT_NGINX_UNAVAILABLE; a CI run
// without nginx otherwise fails. A developer's machine without nginx skips, saying how to get it.
const nginxBinary = findNginx();
const skipReason = nginxBinary
  ? undefined
  : (process.env.MCP_TOOLKIT_NGINX_UNAVAILABLE ??
    (process.env.CI ? undefined : "nginx is not installed (apt-get install nginx, or run .ci/run)"));
if (skipReason) console.warn(`nginx-replicas.test.ts skipped: ${skipReason}`);

/** The subset of better-sqlite3 the test uses, from the SQLite package's own dependency. */
interface Db {
  exec(sql: string): void;
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}
const openDb = (path: string, options: { readonly: boolean }): Db => {
  const Database = createRequire(join(REPO, "packages/sqlite/package.json"))("better-sqlite3");
  return new Database(path, options) as Db;
};

describe.skipIf(skipReason !== undefined)(
  `nginx in front of SQLite and HTTP replicas${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let dir: string;
    let database: string;
    let origin: Server;
    let originUrl: string;
    const sqlite: Started[] = [];
    const http: Started[] = [];
    let nginx: Nginx;
    const endpoint = (name: "sqlite" | "http") => new URL(`/${name}/mcp`, nginx.url);
    const addressOf = (replica: Started) => new URL(replica.match[1] as string).host;

    beforeAll(async () => {
      if (!nginxBinary) throw new Error("nginx is not installed: .ci/run installs it (apt-get install nginx)");
      dir = await realpath(await mkdtemp(join(tmpdir(), "mcp-nginx-")));
      // As root, nginx's workers run as nobody and must reach their temp folders in here.
      await chmod(dir, 0o711);
      database = join(dir, "team.db");
      // The schema exists before the replicas start, as a deployment's migration would make it.
      const schema = openDb(database, { readonly: false });
      schema.exec("CREATE TABLE notes(n INTEGER); CREATE TABLE load(client INTEGER, seq INTEGER, tag TEXT);");
      schema.exec("CREATE TABLE crash(tag TEXT);");
      schema.close();

      origin = createServer((_, res) => res.writeHead(200, { "content-type": "text/plain" }).end(ORIGIN_BODY));
      await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
      originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/`;

      const env = { ...process.env, MCP_AUTH_TOKEN: TOKEN, MCP_LOG_LEVEL: "info" };
      const serving = /Streamable HTTP at (http:\/\/\S+)/;
      const common = [
        ...["--transport", "http", "--host", "127.0.0.1", "--port", "0"],
        ...["--allowed-host", PUBLIC_NAME, "--trust-proxy", "127.0.0.1"],
      ];
      const sqliteArgs = [SQLITE_BIN, ...common, "--db", database];
      const httpArgs = [HTTP_BIN, ...common, "--allow-private", "--allow-hosts", new URL(originUrl).host];
      // All four at once, as a deployment starts them: the two SQLite replicas switch the one file to WAL together.
      const starts = await Promise.allSettled(
        [sqliteArgs, sqliteArgs, httpArgs, httpArgs].map((args) =>
          startUntil(process.execPath, args, serving, { env }),
        ),
      );
      const started = starts.flatMap((start) => (start.status === "fulfilled" ? [start.value] : []));
      sqlite.push(...started.filter((replica) => replica.child.spawnargs.includes(SQLITE_BIN)));
      http.push(...started.filter((replica) => replica.child.spawnargs.includes(HTTP_BIN)));
      for (const start of starts) if (start.status === "rejected") throw start.reason;

      const readme = readmeNginxConfig();
      const replicas = {
        "127.0.0.1:3001": addressOf(sqlite[0] as Started),
        "127.0.0.1:3002": addressOf(sqlite[1] as Started),
        "127.0.0.1:3011": addressOf(http[0] as Started),
        "127.0.0.1:3012": addressOf(http[1] as Started),
      };
      nginx = await startNginx(nginxBinary, dir, (port) => testConfig(readme, { port, replicas, logDir: dir }));
    });

    afterAll(async () => {
      if (!dir) return;
      // Everything this file started, including what its children started: nginx's workers and each SQLite
      // replica's executor process (its command line names the database).
      const ours = [
        ...(nginx ? [nginx.child.pid, ...nginx.workers] : []),
        ...[...sqlite, ...http].map((replica) => replica.child.pid),
        ...livePids().filter((pid) => cmdlineOf(pid).includes(dir)),
      ].filter((pid): pid is number => pid !== undefined);
      await nginx?.stop();
      await Promise.all([...sqlite, ...http].map((replica) => replica.stop()));
      origin?.closeAllConnections();
      await new Promise<void>((resolve) => (origin ? origin.close(() => resolve()) : resolve()));
      const running = () => {
        const live = new Set(livePids());
        return ours.filter((pid) => live.has(pid));
      };
      await until(() => running().length === 0, 5_000);
      await rm(dir, { recursive: true, force: true });
      expect(running().map(cmdlineOf), "processes left running").toEqual([]);
    });

    /** A 2026-07-28 SDK client through nginx. */
    async function modernClient(name: "sqlite" | "http", fetch?: typeof globalThis.fetch): Promise<Client> {
      const client = new Client({ name: "nginx-test", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });
      await client.connect(
        new StreamableHTTPClientTransport(endpoint(name), {
          requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
          ...(fetch ? { fetch } : {}),
        }),
      );
      expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
      return client;
    }

    /** `count` SDK clients through nginx, cycling through every client generation and revision the tests know. */
    function connectAll(count: number): Promise<TestClient[]> {
      const target = { url: endpoint("sqlite"), token: TOKEN };
      return Promise.all(
        Array.from({ length: count }, (_, i) => connectClient(target, CLIENT_KINDS[i % CLIENT_KINDS.length])),
      );
    }

    /** The access-log records that appear after `before` records, once there are `count` of them for `path`. */
    async function newRecords(before: number, path: string, count: number): Promise<AccessRecord[]> {
      let records: AccessRecord[] = [];
      // nginx writes a line once the response is done, which can be a moment after the client has it.
      await until(async () => {
        records = (await nginx.accessLog()).slice(before).filter((r) => r.path === path);
        return records.length >= count;
      }, 5_000);
      return records;
    }

    it("hands calls to the replicas in turn; a row written through one is read through the other", async () => {
      const before = (await nginx.accessLog()).length;
      const db = await modernClient("sqlite");
      for (let i = 1; i <= 4; i++) {
        expect((await db.callTool(write("INSERT INTO notes(n) VALUES (?)", [i]))).isError).toBeFalsy();
        const read = await db.callTool({ name: "execute_query", arguments: { sql: "SELECT max(n) AS n FROM notes" } });
        expect(read.structuredContent).toMatchObject({ rows: [[i]] });
      }
      await db.close();
      const api = await modernClient("http");
      for (let i = 0; i < 4; i++) {
        expect(textOf(await api.callTool({ name: "http_get", arguments: { url: originUrl } }))).toContain(ORIGIN_BODY);
      }
      await api.close();

      for (const [path, replicas, calls] of [
        ["/sqlite/mcp", sqlite, 8],
        ["/http/mcp", http, 4],
      ] as const) {
        const records = await newRecords(before, path, 1 + calls); // server/discover, then the calls
        const served = records.map((r) => r.upstreams);
        expect(served.every((upstreams) => upstreams.length === 1)).toBe(true);
        // Strict alternation: each call went to the other replica than the one before it, so every read above was
        // served by the replica that had not taken the write just before it.
        for (let i = 1; i < served.length; i++) expect(served[i]?.[0]).not.toBe(served[i - 1]?.[0]);
        expect(new Set(served.flat())).toEqual(new Set(replicas.map(addressOf)));
        const answered = records.filter((r) => r.mcpMethod === "tools/call");
        expect(answered).toHaveLength(calls);
        expect(answered.every((r) => r.status === 200)).toBe(true);
      }
    });

    it("passes the MCP headers, the token and large bodies on; the replicas' checks still refuse through nginx", async () => {
      // A 2026-07-28 server requires Mcp-Method and Mcp-Name on a call: without either, it refuses the call. So the
      // calls above, which succeeded, reached the replicas with the headers the client sent.
      for (const header of ["mcp-method", "mcp-name"]) {
        const stripping: typeof fetch = (url, init) => {
          const headers = new Headers(init?.headers);
          if (String(init?.body).includes('"tools/call"')) headers.delete(header);
          return fetch(url, { ...init, headers });
        };
        const client = await modernClient("sqlite", stripping);
        await expect(client.callTool({ name: "execute_query", arguments: { sql: "SELECT 1" } })).rejects.toThrow(
          new RegExp(`${header} header is absent`, "i"),
        );
        await client.close();
      }

      // A body over nginx's default limit (1 MiB) but within the servers' 4 MiB passes (client_max_body_size 5m);
      // nginx holds it in a temp file of its own before handing it on.
      const client = await modernClient("sqlite");
      const big = "x".repeat(3 * 1024 * 1024);
      const length = await client.callTool({
        name: "execute_query",
        arguments: { sql: "SELECT length(?) AS n", params: [big] },
      });
      expect(length.structuredContent).toMatchObject({ rows: [[big.length]] });
      await client.close();

      const initialize = JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
      });
      const post = (headers: Record<string, string>) => raw(endpoint("sqlite"), initialize, headers);
      const auth = { authorization: `Bearer ${TOKEN}` };

      // The public name, forwarded as Host by `proxy_set_header Host $host`, is allowed by --allowed-host.
      const ok = await post({ ...auth, host: PUBLIC_NAME });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('"protocolVersion":"2025-11-25"');
      // A name nobody allowed (DNS rebinding) is refused by the replica, not let through by the proxy.
      const rebound = await post({ ...auth, host: "attacker.example" });
      expect(rebound.status).toBe(403);
      expect(rebound.body).toContain("attacker.example");
      // The token is the replica's to check.
      expect((await post({ host: PUBLIC_NAME })).status).toBe(401);
      expect((await post({ authorization: "Bearer wrong", host: PUBLIC_NAME })).status).toBe(401);
      const version = await post({ ...auth, host: PUBLIC_NAME, "mcp-protocol-version": "1999-01-01" });
      expect(version.status).toBe(400);
      expect(version.body).toContain("2026-07-28");

      // A 12 KB token (a large Keycloak or Entra one) is over nginx's default 8k header buffer but within
      // large_client_header_buffers 4 16k, so it reaches the replica, which judges it (here: not the token, 401).
      const large = await post({ authorization: `Bearer ${"t".repeat(12 * 1024)}`, host: PUBLIC_NAME });
      expect(large.status).toBe(401);
      expect(large.body).toContain("not MCP_AUTH_TOKEN");
      // A body over the servers' 4 MiB but within nginx's 5m reaches a replica, whose 413 says what to do. The
      // replica reads the rest before answering: a reset would make nginx count it as failing and pass it over for
      // 10 s (the next test's calls, which need both replicas, would get 502).
      const huge = await raw(endpoint("sqlite"), "x".repeat(4.5 * 1024 * 1024), { ...auth, host: PUBLIC_NAME });
      expect(huge.status).toBe(413);
      expect(huge.body).toContain("Request body over 4 MiB, the most this server takes over HTTP; send less");
      // One over nginx's 5m is refused by nginx itself, as JSON saying what to do (@too_large), not its HTML page.
      const over = await raw(endpoint("sqlite"), "x".repeat(6 * 1024 * 1024), { ...auth, host: PUBLIC_NAME });
      expect(over.status).toBe(413);
      expect(JSON.parse(over.body).error.message).toMatch(
        /^Request body over 5 MiB, the most this proxy takes; send less/,
      );
    });

    it("names each client to the replicas (X-Forwarded-For, --trust-proxy): one it cannot choose by sending the header", async () => {
      // A client on 127.0.0.2 (all of 127/8 is loopback): nginx, on 127.0.0.1, connects to the replicas for it.
      const refusedFrom = (address: string) =>
        new RegExp(`refused POST /mcp from ${address.replaceAll(".", "\\.")}: HTTP 401`);
      const before = sqlite.map((replica) => replica.output().length);
      const asClient = { authorization: "Bearer wrong", host: PUBLIC_NAME, "x-forwarded-for": "203.0.113.9" };
      // Twice: round robin hands one to each replica.
      for (let i = 0; i < 2; i++) {
        expect((await raw(endpoint("sqlite"), "{}", asClient, "127.0.0.2")).status).toBe(401);
      }
      const since = () => sqlite.map((replica, i) => replica.output().slice(before[i])).join("\n");
      await expect.poll(since).toMatch(refusedFrom("127.0.0.2"));
      expect(since()).not.toMatch(refusedFrom("203.0.113.9"));
    });

    it("streams progress through nginx while the call runs, and a cancel through nginx stops it", async () => {
      const client = await modernClient("sqlite");
      // Each replica runs its statements in one child process, started when it was first used.
      const executors = sqlite.flatMap((replica) => childPids(replica.child.pid as number));
      expect(executors).toHaveLength(2);
      const controller = new AbortController();
      let progress = 0;
      // Counts until killed: the call ends only by our cancel or by the replica's 30 s time limit, so a progress
      // notification that reaches us, and lets us cancel, has come through nginx while the statement ran.
      const call = client.callTool(
        { name: "execute_query", arguments: { sql: ENDLESS } },
        {
          timeout: 50_000,
          onprogress: () => {
            progress++;
            controller.abort();
          },
          signal: controller.signal,
        },
      );
      await expect(call).rejects.toThrow();
      expect(progress).toBeGreaterThanOrEqual(1);
      // The cancel reached the replica that ran the statement, through nginx: it killed the statement's process.
      await until(() => executors.some((pid) => !livePids().includes(pid)), 5_000);
      expect(executors.filter((pid) => !livePids().includes(pid))).toHaveLength(1);
      // Both replicas answer afterwards, that one from a new process.
      for (let i = 0; i < 2; i++) {
        const answer = await client.callTool({
          name: "execute_query",
          arguments: { sql: "SELECT count(*) FROM notes" },
        });
        expect(answer.structuredContent).toMatchObject({ rows: [[4]] });
      }
      await client.close();
    });

    it("takes 32 clients of both eras × 50 writes at once: exactly 1,600 rows, no errors", async () => {
      const clients = await connectAll(32);
      const errors: string[] = [];
      await Promise.all(
        clients.map(async (client, c) => {
          for (let seq = 0; seq < 50; seq++) {
            const tag = `${c}-${seq}`;
            try {
              const result = await client.callTool(write("INSERT INTO load VALUES (?, ?, ?)", [c, seq, tag]));
              if (result.isError) errors.push(`${tag}: ${textOf(result)}`);
            } catch (error) {
              errors.push(`${tag}: ${(error as Error).message}`);
            }
          }
        }),
      );
      await Promise.all(clients.map((client) => client.close()));
      expect(errors).toEqual([]);
      const db = openDb(database, { readonly: true });
      const [summary] = db.prepare("SELECT count(*) AS n, count(DISTINCT tag) AS tags FROM load").all();
      const perClient = db.prepare("SELECT count(*) AS n FROM load GROUP BY client").all();
      db.close();
      expect(summary).toEqual({ n: 1600, tags: 1600 });
      expect(perClient).toEqual(Array.from({ length: 32 }, () => ({ n: 50 })));
    }, 120_000);

    it("loses no acknowledged write when a replica is killed mid-run, and fails nothing sent after", async () => {
      const CLIENTS = 16;
      const WRITES = 25;
      const KILL_AFTER = 100; // acknowledged writes
      const victim = sqlite[1] as Started;
      const death = new Promise<void>((resolve) => victim.child.once("exit", () => resolve()));
      interface Write {
        tag: string;
        /** Sent after the test saw the killed replica exit. */
        afterDeath: boolean;
        /** Answered (or failed) after the kill signal went out. */
        endedAfterKill: boolean;
        outcome: "ok" | "tool error" | "failed";
        error?: string;
      }
      const writes: Write[] = [];
      let acknowledged = 0;
      let killed = false;
      let dead = false;

      const clients = await connectAll(CLIENTS);
      await Promise.all(
        clients.map(async (client, c) => {
          for (let seq = 0; seq < WRITES; seq++) {
            const w: Write = { tag: `${c}-${seq}`, afterDeath: dead, endedAfterKill: false, outcome: "failed" };
            writes.push(w);
            try {
              const result = await client.callTool(write("INSERT INTO crash VALUES (?)", [w.tag]), { timeout: 20_000 });
              w.outcome = result.isError ? "tool error" : "ok";
              if (result.isError) w.error = textOf(result);
            } catch (error) {
              w.error = (error as Error).message;
            }
            w.endedAfterKill = killed;
            if (w.outcome === "ok" && ++acknowledged === KILL_AFTER) {
              victim.child.kill("SIGKILL");
              killed = true;
              void death.then(() => {
                dead = true;
              });
            }
          }
        }),
      );
      await Promise.all(clients.map((client) => client.close()));
      expect(dead, "the replica was killed during the run").toBe(true);

      const sentAfter = writes.filter((w) => w.afterDeath);
      expect(sentAfter.length).toBeGreaterThan(0);
      // Every call sent after the death succeeded.
      expect(sentAfter.filter((w) => w.outcome !== "ok")).toEqual([]);
      // No replica refused a write (no "database is locked"); the only failures are calls in flight at the kill,
      // which the client saw fail (nginx's 502): sent before the death, ended after the kill, one per client at most.
      expect(writes.filter((w) => w.outcome === "tool error")).toEqual([]);
      const failed = writes.filter((w) => w.outcome === "failed");
      expect(failed.filter((w) => w.afterDeath || !w.endedAfterKill)).toEqual([]);
      expect(failed.length).toBeLessThanOrEqual(CLIENTS);
      // Each was told, in nginx's @no_answer JSON rather than its HTML page, to check a write before sending it again.
      for (const w of failed) expect(w.error).toMatch(/No replica answered this call: .*check whether it was applied/);

      const db = openDb(database, { readonly: true });
      const rows = db.prepare("SELECT tag, count(*) AS n FROM crash GROUP BY tag").all() as {
        tag: string;
        n: number;
      }[];
      db.close();
      const inTable = new Map(rows.map((row) => [row.tag, row.n]));
      const acknowledgedTags = new Set(writes.filter((w) => w.outcome === "ok").map((w) => w.tag));
      // Every write answered as done is in the table, exactly once.
      for (const tag of acknowledgedTags) expect(inTable.get(tag), tag).toBe(1);
      // Any other row is a failed call that SQLite had committed before the kill: once, never twice.
      const failedTags = new Set(failed.map((w) => w.tag));
      const others = rows.filter((row) => !acknowledgedTags.has(row.tag));
      expect(others.filter((row) => !failedTags.has(row.tag) || row.n !== 1)).toEqual([]);
    });

    it("goes around a replica that is down: a call it cannot take goes to the other", async () => {
      const victim = http[1] as Started;
      const before = (await nginx.accessLog()).length;
      victim.child.kill("SIGKILL");
      await new Promise((resolve) => victim.child.once("exit", resolve));
      const api = await modernClient("http");
      for (let i = 0; i < 4; i++) {
        expect(textOf(await api.callTool({ name: "http_get", arguments: { url: originUrl } }))).toContain(ORIGIN_BODY);
      }
      await api.close();
      const records = await newRecords(before, "/http/mcp", 5);
      expect(records.every((r) => r.status === 200)).toBe(true);
      // Round robin picked the dead replica for a call; nginx could not connect, and sent it to the other one.
      const [dead, live] = [victim, http[0] as Started].map(addressOf);
      expect(records.filter((r) => r.upstreams.length > 1).map((r) => r.upstreams)).toContainEqual([dead, live]);
      expect(records.every((r) => r.upstreams.at(-1) === live)).toBe(true);
    });
  },
);

const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

/** An execute_write call. */
function write(sql: string, params: unknown[] = []) {
  return { name: "execute_write", arguments: { sql, params } };
}

/** Poll `check` every 50 ms until it holds or `ms` pass. */
async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** One POST with exactly these headers (fetch would not send our own Host). */
function raw(
  url: URL,
  body: string,
  headers: Record<string, string>,
  localAddress?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      ...(localAddress ? { localAddress } : {}),
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...headers,
      },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
