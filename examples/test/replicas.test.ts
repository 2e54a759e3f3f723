import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { REPO, type Started, startUntil, textOf } from "./helpers.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const TOKEN = "replica-test-token";
const FILESYSTEM_BIN = join(REPO, "packages/filesystem/dist/cli.cjs");

/** One request as the balancer saw it: which replica took it, and what came back. */
interface Hit {
  replica: number;
  httpMethod: string;
  rpcMethod: string;
  status: number;
  sessionHeader: string | null;
}

/**
 * The plainest load balancer: strict round robin over the replicas, no stickiness, no session awareness.
 * Each request is forwarded to the next replica in turn.
 */
async function roundRobin(upstreams: readonly URL[], hits: Hit[]): Promise<{ url: URL; server: Server }> {
  let next = 0;
  const server = createServer(async (req, res) => {
    const replica = next++ % upstreams.length;
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const name of [
      "authorization",
      "content-type",
      "accept",
      "mcp-protocol-version",
      "mcp-session-id",
      "mcp-method",
      "mcp-name",
    ]) {
      const value = req.headers[name];
      if (typeof value === "string") headers.set(name, value);
    }
    const rpc = body.length > 0 ? (JSON.parse(body.toString("utf8")) as { method?: string }) : {};
    // Recorded on arrival, so `hits` is in the order the balancer handed requests out.
    const hit: Hit = {
      replica,
      httpMethod: req.method ?? "GET",
      rpcMethod: rpc.method ?? "",
      status: 0,
      sessionHeader: null,
    };
    hits.push(hit);
    const upstream = await fetch(upstreams[replica] as URL, {
      method: req.method ?? "GET",
      headers,
      ...(body.length > 0 ? { body } : {}),
    });
    const text = await upstream.text();
    hit.status = upstream.status;
    hit.sessionHeader = upstream.headers.get("mcp-session-id");
    const contentType = upstream.headers.get("content-type");
    res.writeHead(upstream.status, contentType ? { "content-type": contentType } : {}).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/mcp`), server };
}

describe("two stateless replicas behind a round-robin balancer", () => {
  let workspace: string;
  const replicas: Started[] = [];
  const hits: Hit[] = [];
  let balancer: { url: URL; server: Server };

  beforeAll(async () => {
    // Both replicas serve the same directory, as two containers would share one volume.
    workspace = await mkdtemp(join(tmpdir(), "mcp-replicas-"));
    const env = { ...process.env, MCP_AUTH_TOKEN: TOKEN, MCP_LOG_LEVEL: "info" };
    const args = [FILESYSTEM_BIN, "--transport", "http", "--host", "127.0.0.1", "--port", "0", "--root", workspace];
    const started = await Promise.all(
      [0, 1].map(() => startUntil(process.execPath, args, /Streamable HTTP at (http:\/\/\S+)/, { env })),
    );
    replicas.push(...started);
    const urls = started.map((s) => new URL(s.match[1] as string));
    expect(urls[0]?.port).not.toBe(urls[1]?.port);
    balancer = await roundRobin(urls, hits);
  });

  afterAll(async () => {
    balancer?.server.closeAllConnections();
    balancer?.server.close();
    await Promise.all(replicas.map((r) => r.stop()));
    await rm(workspace, { recursive: true, force: true });
  });

  it("serves one SDK client whose calls alternate between the replicas", async () => {
    const client = new Client({ name: "replica-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(balancer.url, {
        requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
      }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("write_file");

    for (let i = 0; i < 4; i++) {
      const wrote = await client.callTool({
        name: "write_file",
        arguments: { path: `note-${i}.txt`, content: `n${i}` },
      });
      expect(wrote.isError).toBeFalsy();
      const read = await client.callTool({ name: "read_file", arguments: { path: `note-${i}.txt` } });
      expect(textOf(read)).toContain(`n${i}`);
    }
    expect(await readFile(join(workspace, "note-3.txt"), "utf8")).toBe("n3");
    await client.close();

    const calls = hits.filter((h) => h.rpcMethod === "tools/call");
    expect(calls).toHaveLength(8);
    // Strict alternation: each call went to the other replica than the one before it, so every read_file
    // was answered by a replica that had not seen the matching write_file, nor the client's initialize.
    for (let i = 1; i < hits.length; i++) expect(hits[i]?.replica).not.toBe(hits[i - 1]?.replica);
    const initialize = hits.find((h) => h.rpcMethod === "initialize");
    expect(calls.some((h) => h.replica !== initialize?.replica)).toBe(true);
    expect(new Set(calls.map((h) => h.replica))).toEqual(new Set([0, 1]));
    // Nothing to be sticky about: no session ids, and every POST succeeded on whichever replica took it.
    expect(hits.every((h) => h.sessionHeader === null)).toBe(true);
    expect(hits.filter((h) => h.httpMethod === "POST").every((h) => h.status === 200 || h.status === 202)).toBe(true);
  });

  it("answers GET /healthz on each replica without a token", async () => {
    for (const replica of replicas) {
      const health = await fetch(new URL("/healthz", replica.match[1] as string));
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
    }
  });
});
