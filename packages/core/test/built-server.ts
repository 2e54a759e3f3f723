import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { afterEach } from "vitest";
import { CLIENT_KINDS, type ClientKind, connectClient, type TestClient } from "./clients.js";

// Starts a package's server as shipped, from its dist/, for the bin tests of the server packages and the agent.

/** How a built server starts: its bin (what Claude Desktop runs) or its startup snapshot (how the agent starts it). */
export type Start = "bin" | "snapshot";
/** Both ways, for describe.each. */
export const STARTS: readonly Start[] = ["bin", "snapshot"];
/** Both transports, for it.each. */
export const TRANSPORTS = ["stdio", "http"] as const;
export type Transport = (typeof TRANSPORTS)[number];
/** Every transport with every client generation and revision, for it.each: what a server must serve. */
export const PROTOCOL_MATRIX: readonly [Transport, ClientKind][] = TRANSPORTS.flatMap((transport) =>
  CLIENT_KINDS.map((kind): [Transport, ClientKind] => [transport, kind]),
);

/** The node arguments that start the server in `dist` the given way, with its own arguments after them. */
function nodeArgs(dist: string, start: Start, args: readonly string[]): string[] {
  const file = join(dist, start === "bin" ? "cli.cjs" : "snapshot.blob");
  if (!existsSync(file)) throw new Error(`${file} is missing: run pnpm build first`);
  return start === "bin" ? [file, ...args] : ["--snapshot-blob", file, "--", ...args];
}

/** A running built server and a real SDK client connected to it. */
export interface BuiltServer {
  client: TestClient;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** The names tools/list gives. */
  toolNames(): Promise<string[]>;
  /** HTTP only: the endpoint, the bearer token it was started with, and the server's process id. */
  url?: URL;
  token?: string;
  pid?: number;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

/** Spawn a server with its HTTP transport on a free 127.0.0.1 port; resolves with the URL it logs once listening. */
function serveHttp(argv: string[], env: Record<string, string>, log: { text: string }) {
  const child = spawn(process.execPath, argv, { env, stdio: ["ignore", "ignore", "pipe"] });
  const url = new Promise<URL>((resolve, reject) => {
    const fail = (why: string) => reject(new Error(why));
    const timer = setTimeout(() => fail(`no "serving MCP" line within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.stderr.on("data", (chunk: Buffer) => {
      log.text += chunk.toString("utf8");
      const match = /serving MCP over Streamable HTTP at (\S+)/.exec(log.text);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(new URL(match[1]));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      fail(`exited (${code ?? signal}) before listening`);
    });
  });
  return { child, url };
}

/** A built server serving HTTP, without a client: for tests that bring their own tokens and requests. */
export interface LaunchedHttp {
  url: URL;
  child: ChildProcess;
  /** Its stderr so far. */
  log: { text: string };
  stop(): Promise<void>;
}

/**
 * Start the server in `dist` over HTTP on a free 127.0.0.1 port with exactly `env` (besides PATH) — no token is
 * added — and resolve once it listens; rejects with its stderr if it exits first.
 */
export async function launchHttp(
  dist: string,
  start: Start,
  args: readonly string[],
  env: Record<string, string>,
): Promise<LaunchedHttp> {
  const log = { text: "" };
  const { child, url } = serveHttp(
    nodeArgs(dist, start, [...args, "--transport", "http", "--port", "0"]),
    { PATH: process.env.PATH ?? "", ...env },
    log,
  );
  try {
    return { url: await url, child, log, stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw new Error(`${(error as Error).message}\n--- its stderr ---\n${log.text}`);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Start the server in `dist` (its bin or its snapshot) over stdio or Streamable HTTP — the latter on 127.0.0.1
 * port 0 with a fresh MCP_AUTH_TOKEN — and connect a client of `kind` (a 2026-07-28 client by default); `env` is
 * all the environment it gets besides PATH.
 */
export async function startServer(
  dist: string,
  start: Start,
  transport: Transport,
  args: readonly string[] = [],
  env: Record<string, string> = {},
  kind: ClientKind = "modern",
): Promise<BuiltServer> {
  const log = { text: "" };
  const base = { PATH: process.env.PATH ?? "", ...env };
  let client: TestClient | undefined;
  let child: ChildProcess | undefined;
  let url: URL | undefined;
  let token: string | undefined;
  try {
    if (transport === "stdio") {
      const onStderr = (text: string) => {
        log.text += text;
      };
      const target = { command: process.execPath, args: nodeArgs(dist, start, args), env: base, onStderr };
      client = await connectClient(target, kind, START_TIMEOUT_MS);
    } else {
      token = randomBytes(16).toString("hex");
      const http = serveHttp(
        nodeArgs(dist, start, [...args, "--transport", "http", "--port", "0"]),
        { ...base, MCP_AUTH_TOKEN: token },
        log,
      );
      child = http.child;
      url = await http.url;
      client = await connectClient({ url, token }, kind, START_TIMEOUT_MS);
    }
  } catch (error) {
    await client?.close().catch(() => {});
    if (child) await stop(child);
    const why = `${start} of ${dist} over ${transport} did not start: ${(error as Error).message}`;
    throw new Error(`${why}\n--- its stderr ---\n${log.text}`);
  }
  return {
    client,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    toolNames: async () => (await client.listTools()).tools.map((t) => t.name),
    ...(url ? { url, token, pid: child?.pid } : {}),
    close: async () => {
      await client.close();
      if (child) await stop(child);
    },
  };
}

/** A `startServer` for one test file's `dist`; every server it starts is stopped after each test. */
export function useServers(dist: string) {
  const open: BuiltServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async (
    start: Start,
    transport: Transport,
    args: readonly string[] = [],
    env: Record<string, string> = {},
    kind: ClientKind = "modern",
  ) => {
    const server = await startServer(dist, start, transport, args, env, kind);
    open.push(server);
    return server;
  };
}
