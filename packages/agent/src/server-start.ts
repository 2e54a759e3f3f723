import type { Client } from "@modelcontextprotocol/client";
import { callSpanAttributes } from "./call-span.js";
import { createClient, eraOf, listenForChanges } from "./mcp-client.js";
import type { PoolOptions, StartFailure } from "./pool-options.js";
import { ProcessTransport } from "./process-transport.js";
import { traceRequests } from "./request-spans.js";
import { startRetry } from "./restart-policy.js";
import { startFailureLine, startFailureWhy } from "./server-errors.js";
import { clientHooks, processTransport, type ServerHandle, startsFromSnapshot } from "./server-handle.js";
import { handshake, StartupTimeout } from "./server-handshake.js";
import { snapshotRefused } from "./snapshot.js";
import { refreshTools } from "./tool-refresh.js";
import { httpTransport } from "./transports.js";
import { UnmatchedAnswers } from "./unmatched-answers.js";

/** What starting a server needs from its pool. */
export interface StartContext {
  options: PoolOptions;
  /** When the pool started (performance.now()): the spawn time of servers the pool spawned itself. */
  startedAt: number;
  /** Whether change streams are open, so a restarted server's is reopened at once. */
  listening(): boolean;
  /** A server's tool list changed. */
  onToolsChanged(): void;
  /** A server's connection closed. */
  onClosed(handle: ServerHandle, client: Client): void;
}

/**
 * Open a server's change stream, kept open while its connection lives (change-stream.ts). Once reopened after a cut,
 * what it tells of is read again: the tools (the transcript says so if they changed), and the resource list the
 * client may hold under a cache hint.
 */
export function listenTo(
  handle: ServerHandle,
  client: Client,
  pool: Pick<StartContext, "options" | "onToolsChanged">,
): Promise<void> {
  const { options } = pool;
  return listenForChanges(client, {
    onReopened: (lists) => {
      if (lists.includes("tools")) refreshTools(handle, options, pool.onToolsChanged, { quietIfSame: true });
      if (lists.includes("resources")) {
        void client
          .listResources(undefined, { timeout: options.startupTimeoutMs, cacheMode: "refresh" })
          .catch(() => {});
      }
    },
    onNotice: (line) => options.onNotice?.(`${handle.spec.name}: ${line}`),
  });
}

/**
 * Connect a server's transport and (on first start) list its tools; returns a failure in words, or undefined. A
 * server Node could not start from its snapshot is started from its bin, and a negotiating one whose process the
 * probe ended is greeted the 2025 way, each once.
 */
export async function connectServer(
  handle: ServerHandle,
  listTools: boolean,
  pool: StartContext,
): Promise<StartFailure | undefined> {
  const { options } = pool;
  const { spec } = handle;
  try {
    const transport =
      handle.transport ?? (spec.kind === "http" ? await httpTransport(spec, options.env, options.onNotice) : undefined);
    if (!transport) throw new Error("no transport");
    handle.transport = transport;
    // Our own servers speak 2026-07-28: pinned, with no probe. Anything else negotiates, falling back to 2025.
    const client = createClient(
      handle.negotiation,
      clientHooks(handle, options, () => refreshTools(handle, options, pool.onToolsChanged)),
    );
    // Before connecting: the handshake the client sends inside connect() is traced too (request-spans.ts).
    traceRequests(transport, () => ({
      ...callSpanAttributes(
        spec,
        client.getNegotiatedProtocolVersion(),
        (transport as { sessionId?: unknown }).sessionId,
      ),
      "mcp_toolkit.server": spec.name,
    }));
    handle.unmatched ??= new UnmatchedAnswers((line) => options.onStderr?.(spec.name, line));
    const unmatched = handle.unmatched;
    client.onerror = (error) => unmatched.add(error);
    await handshake(handle, client, transport, listTools, options);
    handle.client = client;
    handle.state = "up";
    if (listTools) {
      // Measured from the spawn, which may have happened before the pool existed (launch.ts).
      const since = transport instanceof ProcessTransport ? (transport.spawnedAt ?? pool.startedAt) : pool.startedAt;
      options.onReady?.(spec.name, {
        tools: handle.tools.length,
        ms: performance.now() - since,
        fromSnapshot: startsFromSnapshot(handle),
        era: eraOf(client),
        protocolVersion: client.getNegotiatedProtocolVersion(),
      });
    }
    client.onclose = () => pool.onClosed(handle, client);
    // A restarted server's change stream is reopened at once; at start-up it waits for listenForChanges().
    if (pool.listening()) await listenTo(handle, client, pool);
    return undefined;
  } catch (error) {
    handle.state = "failed";
    const transport = handle.transport;
    const proc = transport instanceof ProcessTransport ? transport : undefined;
    // Read how it ended before closing it ourselves: a process our close() kills did not exit by itself. A server
    // that let the start-up timeout pass is not retried either, or a hung one would take twice the time.
    const exit = proc?.exitDescription;
    const ended = proc?.exit;
    await transport?.close().catch(() => {});
    const fallback = startRetry({
      fromSnapshot: startsFromSnapshot(handle),
      snapshotRefused: snapshotRefused(ended),
      exited: ended !== undefined && !(error instanceof StartupTimeout),
      negotiation: handle.negotiation,
    });
    if (fallback === "bin") {
      // Node could not use the blob (say a damaged one): start the plain bin instead, once.
      options.onNotice?.(
        `server "${spec.name}" could not start from its startup snapshot (${exit}); starting its bin instead (pnpm build remakes the snapshot)`,
      );
      handle.fromSnapshot = false;
      handle.state = "starting";
      handle.transport = processTransport(handle, options); // connectServer() starts it
      return connectServer(handle, listTools, pool);
    }
    if (fallback === "legacy" && proc) {
      // Some 2025-era servers exit on any request before initialize, the probe included: one more process,
      // greeted the 2025 way only.
      handle.negotiation = "legacy";
      handle.state = "starting";
      handle.transport = processTransport(handle, options);
      const retry = await connectServer(handle, listTools, pool);
      if (!retry) return undefined;
      handle.negotiation = "auto";
    }
    const tail = proc?.stderrTail ?? [];
    const stray = proc?.stray.since();
    return {
      server: spec.name,
      line: startFailureLine(spec, error, exit, tail, stray),
      why: startFailureWhy(spec, error, exit, tail, stray),
    };
  }
}
