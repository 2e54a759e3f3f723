// A server that stopped, started again on the next call that needs it, and a server that ended our session given a
// new one: what the pool does to keep a server's client usable, apart from the pool's routing and listing.
import type { Client } from "@modelcontextprotocol/client";
import { ProcessTransport } from "./process-transport.js";
import { afterStop, MAX_RESTARTS, type RestartVerdict, restartVerdict } from "./restart-policy.js";
import { exitWithStderr, ToolCallError } from "./server-errors.js";
import { processTransport, type ServerHandle } from "./server-handle.js";
import { connectServer, type StartContext } from "./server-start.js";
import { traceRestart } from "./telemetry.js";

/** Whether a call may use the server, must restart it first, or is refused (given up, or the pool is closing). */
export function restartVerdictOf(handle: ServerHandle, closing: boolean): RestartVerdict {
  return restartVerdict(handle.spec.name, {
    state: handle.state,
    restarting: handle.restarting !== undefined,
    restarts: handle.restarts,
    lastExit: handle.lastExit,
    closing,
  });
}

/** A server's connection closed: it is dead, with how its process ended (and its stderr) as its last exit. */
export function markClosed(handle: ServerHandle, client: Client, closing: boolean): void {
  if (handle.client !== client || closing) return;
  const transport = handle.transport;
  handle.lastExit =
    transport instanceof ProcessTransport
      ? transport.exitDescription && exitWithStderr(transport.exitDescription, transport.stderrTail)
      : "connection closed";
  handle.state = "dead";
  handle.client = undefined;
}

/**
 * Start a server again, once however many calls wait for it; `counted` restarts count against MAX_RESTARTS. Throws
 * ToolCallError in words for the model when the new start fails.
 */
export async function restartServer(handle: ServerHandle, context: StartContext, counted = true): Promise<void> {
  handle.restarting ??= (async () => {
    if (counted) handle.restarts++;
    await traceRestart(handle.spec.name, handle.restarts, () => startAgain(handle, context, counted));
  })().finally(() => {
    handle.restarting = undefined;
  });
  return handle.restarting;
}

/** The restart itself: the old transport closed, a new one connected; throws ToolCallError when that fails. */
async function startAgain(handle: ServerHandle, context: StartContext, counted: boolean): Promise<void> {
  await handle.transport?.close().catch(() => {});
  handle.transport = processTransport(handle, context.options);
  const failure = await connectServer(handle, false, context);
  if (failure) {
    handle.state = "dead";
    // What a call refused once the restarts are used up names: this failure, not the exit before it.
    handle.lastExit = `its restart failed: ${failure.why ?? failure.line}`;
    throw new ToolCallError(counted ? `${failure.line}; ${afterStop(handle.restarts)}` : failure.line);
  }
  context.options.onNotice?.(
    counted
      ? `server "${handle.spec.name}" restarted (${handle.lastExit ?? "it had stopped"}; restart ${handle.restarts} of ${MAX_RESTARTS})`
      : `server "${handle.spec.name}": a new session (${handle.lastExit})`,
  );
}

/**
 * A new session for a server that ended ours, once however many calls found out: not a restart (it did not fail,
 * and none is counted against MAX_RESTARTS).
 */
export async function renewSession(handle: ServerHandle, stale: Client, context: StartContext): Promise<void> {
  if (handle.client === stale) {
    handle.client = undefined;
    handle.state = "dead";
    handle.lastExit = "it no longer knew the old one: HTTP 404";
    await restartServer(handle, context, false);
  } else await handle.restarting;
}
