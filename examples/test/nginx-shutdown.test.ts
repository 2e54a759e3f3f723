import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { chmod, mkdtemp, realpath, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { auditLines } from "../../packages/core/test/audit-trail.js";
import { type ClientKind, connectClient } from "../../packages/core/test/clients.js";
import { postLegacyToolCall } from "../../packages/core/test/shutdown-call.js";
import { REPO, type Started, startUntil, textOf } from "./helpers.js";
import {
  cmdlineOf,
  cpuTicks,
  findNginx,
  livePids,
  type Nginx,
  readmeNginxConfig,
  startNginx,
  testConfig,
} from "./nginx.js";

// A rolling restart behind the README's nginx: one of two replicas gets SIGTERM while a long call runs on it. The
// call's client, of either era, is answered through nginx that the server is shutting down (not a 502, a hang or a
// reset), a 2025-era event stream ends cleanly, calls sent once the replica's grace is over reach the other replica,
// and the stopped replica's audit trail records the stopped call once, as its client was told.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const TOKEN = "nginx-shutdown-test-token";
const nginxBinary = findNginx();
const skipReason = nginxBinary
  ? undefined
  : (process.env.MCP_TOOLKIT_NGINX_UNAVAILABLE ??
    (process.env.CI ? undefined : "nginx is not installed (apt-get install nginx, or run .ci/run)"));

/** A long call, a quick one, and what the long one's client is told when its replica stops, per server. */
const SERVERS = {
  sqlite: {
    bin: "packages/sqlite/dist/cli.cjs",
    args: (dir: string) => ["--db", join(dir, "team.db")],
    // Counts until stopped; quick queries on the same replica would wait behind it.
    long: {
      name: "execute_query",
      arguments: { sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c" },
    },
    quick: { name: "execute_query", arguments: { sql: "SELECT 1" } },
    told: "execute_query failed: the server is shutting down; nothing was changed: call again (another instance may answer)",
  },
  filesystem: {
    bin: "packages/filesystem/dist/cli.cjs",
    args: (dir: string) => ["--root", dir],
    // A backtracking regex over lines it never matches: a search of many seconds (as http-shutdown.test.ts).
    long: { name: "search_files", arguments: { path: ".", pattern: "*.txt", content: "/a*a*a*[b;]/" } },
    quick: { name: "list_directory", arguments: { path: "." } },
    told: "search_files failed: the server is shutting down and stopped it before it finished: call again (another instance may answer)",
  },
} as const;
type ServerName = keyof typeof SERVERS;
type Call = { name: string; arguments: Record<string, unknown> };

/** Who calls: an SDK client of either generation, or a 2025-era POST read as its event stream to its very end. */
const CALLERS = ["modern", "v1@2025-11-25", "2025-06-18 event stream"] as const;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two replicas of `server`, each with its audit trail, behind nginx running the README's block. */
async function deploy(server: ServerName) {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "mcp-nginx-stop-")));
  await chmod(dir, 0o711); // nginx's workers, as nobody under root, reach their temp folders in here
  writeFileSync(join(dir, "slow.txt"), `${"a".repeat(100)}\n`.repeat(3000));
  const Database = createRequire(join(REPO, "packages/sqlite/package.json"))("better-sqlite3");
  new Database(join(dir, "team.db")).close();
  const env = { ...process.env, MCP_AUTH_TOKEN: TOKEN, MCP_LOG_LEVEL: "info" };
  const audits = [0, 1].map((i) => join(dir, `audit-${i}.jsonl`));
  const replicas: Started[] = [];
  cleanups.push(async () => {
    const ours = livePids().filter((pid) => cmdlineOf(pid).includes(dir));
    await Promise.all(replicas.map((replica) => replica.stop()));
    for (const pid of ours) if (livePids().includes(pid)) process.kill(pid, "SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });
  const common = ["--transport", "http", "--host", "127.0.0.1", "--port", "0", "--allowed-host", "mcp.example.com"];
  for (const audit of audits) {
    const args = [join(REPO, SERVERS[server].bin), ...common, "--trust-proxy", "127.0.0.1", "--audit-log", audit];
    replicas.push(
      await startUntil(process.execPath, [...args, ...SERVERS[server].args(dir)], /Streamable HTTP at (\S+)/, { env }),
    );
  }
  const [a, b] = replicas.map((replica) => new URL(replica.match[1] as string).host) as [string, string];
  // Both of the README's upstreams front these two replicas: the block is the same for any of the servers.
  const replicaMap = { "127.0.0.1:3001": a, "127.0.0.1:3002": b, "127.0.0.1:3011": a, "127.0.0.1:3012": b };
  const nginx: Nginx = await startNginx(nginxBinary as string, dir, (port) =>
    testConfig(readmeNginxConfig(), { port, replicas: replicaMap, logDir: dir }),
  );
  cleanups.push(() => nginx.stop());
  return { nginx, replicas, audits, url: new URL("/sqlite/mcp", nginx.url) };
}

/** The replica whose process (or its SQLite executor) is using the CPU: the one running the long call. */
async function busiest(replicas: Started[]): Promise<number> {
  const before = replicas.map((replica) => cpuTicks(replica.child.pid as number));
  await sleep(300);
  const used = replicas.map((replica, i) => cpuTicks(replica.child.pid as number) - (before[i] as number));
  return used.indexOf(Math.max(...used));
}

/** A 2025-era tools/call in one POST through nginx, its event stream read to its end; `started` at its progress. */
async function streamedCall(url: URL, call: Call, started: () => void): Promise<CallToolResult> {
  const response = await postLegacyToolCall(url, TOKEN, call.name, call.arguments);
  const decoder = new TextDecoder();
  let text = "";
  // To the end: a stream cut by the replica, which nginx passes on cut, throws here.
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (text.includes('"notifications/progress"')) started();
  }
  const answer = [...text.matchAll(/^data: (.*)$/gm)]
    .map((data) => JSON.parse(data[1] as string) as { id?: number; result?: CallToolResult })
    .find((message) => message.id === 1);
  if (!answer?.result) throw new Error(`the stream ended with no answer:\n${text}`);
  return answer.result;
}

/** The long call by `caller`, through nginx; `started` once its progress shows it running. */
async function longCall(url: URL, caller: (typeof CALLERS)[number], call: Call, started: () => void) {
  if (caller === "2025-06-18 event stream") return streamedCall(url, call, started);
  const client = await connectClient({ url, token: TOKEN }, caller as ClientKind);
  cleanups.push(() => client.close());
  return (await client.callTool(call, { timeout: 30_000, onprogress: started })) as CallToolResult;
}

describe.skipIf(skipReason !== undefined)(
  `a replica stopped behind nginx while a call runs on it${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    it.each(
      (Object.keys(SERVERS) as ServerName[]).flatMap((server) => CALLERS.map((caller) => [server, caller] as const)),
    )(
      "%s, called by %s: answered that the server is shutting down; new calls go to the other",
      async (server, caller) => {
        const { long, quick, told } = SERVERS[server];
        const { nginx, replicas, audits, url } = await deploy(server);
        const other = await connectClient({ url, token: TOKEN }, "modern");
        cleanups.push(() => other.close());
        // Several calls at once, so that nginx keeps idle connections to both replicas, as it does under load.
        await Promise.all(Array.from({ length: 8 }, () => other.callTool(quick)));

        let started!: () => void;
        const running = new Promise<void>((resolve) => (started = resolve));
        const answer = longCall(url, caller, long, () => started());
        await running;
        const stopped = await busiest(replicas);
        const victim = replicas[stopped] as Started;
        const exited = new Promise<number | null>((resolve) => victim.child.once("exit", resolve));
        victim.child.kill("SIGTERM");

        // Past the stopping replica's 1 s grace for the connections nginx keeps idle, while the long call still runs
        // there: every new call is answered by the other replica, none queued on the stopping one to be stopped.
        await sleep(1500);
        const later: string[] = [];
        for (let i = 0; i < 6; i++) {
          const result = await other.callTool(quick);
          later.push(result.isError ? textOf(result) : "ok");
        }
        expect(later).toEqual(Array(6).fill("ok"));

        expect(await answer).toMatchObject({ isError: true, content: [{ type: "text", text: told }] });
        expect(await exited).toBe(0);
        // The stopped replica's audit trail has the stopped call once, saying what its client was told.
        const digest = createHash("sha256").update(JSON.stringify(long.arguments)).digest("hex");
        const stoppedCalls = auditLines(audits[stopped] as string).filter((entry) => entry.args_sha256 === digest);
        expect(stoppedCalls.map((entry) => [entry.outcome, entry.reason])).toEqual([["error", told]]);
        // nginx answered nothing itself, and saw no replica cut a response.
        expect((await nginx.accessLog()).filter((record) => record.status >= 500)).toEqual([]);
        expect(nginx.errors()).not.toMatch(/prematurely closed|reset by peer/);
      },
    );
  },
);
