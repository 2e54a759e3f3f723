import { type CallToolResult, type Client, MissingRequiredClientCapabilityError } from "@modelcontextprotocol/client";
import { AskedToWait } from "./asked-wait.js";
import { annotateCall, annotateRefusal } from "./call-span.js";
import { describeFailure, httpStatus, isUnreachable, message } from "./describe-failure.js";
import { loginFailure } from "./login-lost.js";
import { isConnectionLost, isSessionGone, isTimeout, isUnreadableAnswer, notDeclared } from "./mcp-client.js";
import { OVER_CAP_MARK, overCapPart } from "./message-cap.js";
import type { OnProgress } from "./pool-options.js";
import { NotRunning, ProcessTransport } from "./process-transport.js";
import { afterStop } from "./restart-policy.js";
import { exitWithStderr, NotSent, SessionGone, ToolCallError, ToolTimeout } from "./server-errors.js";
import type { ServerHandle } from "./server-handle.js";
import { markClosed } from "./server-restart.js";
import { traceMeta } from "./telemetry.js";

/** How long a call may take, what cancels it, and where its progress goes. */
export interface CallOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  onProgress?: OnProgress | undefined;
}

/** What a call that the server never took is told: the server may come back. */
const MAY_RETURN = "it may be down or restarting — retrying later may work";

/**
 * Call a tool on a connected client. A failure becomes a ToolCallError in words for the model; a lost connection
 * marks the handle dead, so the next call restarts the server.
 */
export async function callServerTool(
  handle: ServerHandle | undefined,
  client: Client,
  server: string,
  tool: string,
  args: Record<string, unknown>,
  options: CallOptions,
): Promise<CallToolResult> {
  // What a stdio server writes to stdout that is not JSON-RPC during the call may be its lost answer.
  const stray = handle?.transport instanceof ProcessTransport ? handle.transport.stray : undefined;
  const mark = stray?.count ?? 0;
  const unmatchedMark = handle?.unmatched?.count ?? 0;
  try {
    // The trace context of the agent's tool-call span, so the server's span joins the trace (telemetry.ts).
    const meta = traceMeta();
    annotateCall(handle?.spec, client, handle?.transport);
    const result = (await client.callTool(
      { name: tool, arguments: args, ...(Object.keys(meta).length > 0 ? { _meta: meta } : {}) },
      {
        timeout: options.timeoutMs,
        signal: options.signal,
        ...(options.onProgress ? { onprogress: options.onProgress } : {}),
      },
    )) as CallToolResult;
    if (handle) handle.loginLost = undefined;
    return result;
  } catch (error) {
    annotateRefusal(error);
    const text = message(error);
    // The SDK reports a cancelled request as it reports a timeout: the caller's signal tells them apart.
    if (options.signal?.aborted) throw error;
    // The server refused nothing: its login could not be refreshed, or is gone. Not the server's failure either.
    const login = loginFailure(error);
    if (login) {
      if (handle) handle.loginLost = login.message;
      throw new ToolCallError(`server "${server}" was not called: ${login.message}`, true);
    }
    if (isTimeout(error)) {
      throw new ToolTimeout(
        `timed out after ${options.timeoutMs} ms (--tool-timeout); the server was told to cancel — ${stray?.since(mark) ?? handle?.unmatched?.since(unmatchedMark) ?? "try a smaller request"}`,
      );
    }
    // Its process exited before the call was written (the exit seen, the connection not yet closed): nothing ran.
    if (error instanceof NotRunning && handle) {
      if (handle.client === client) markClosed(handle, client, false);
      throw new NotSent(
        `server "${server}" had stopped (${handle.lastExit ?? "its process exited"}) before the call reached it; ${afterStop(handle.restarts)}`,
      );
    }
    if (handle?.client !== client || isConnectionLost(error)) {
      if (handle?.client === client) {
        handle.client = undefined;
        handle.state = "dead";
      }
      const transport = handle?.transport;
      const exit =
        transport instanceof ProcessTransport && transport.exitDescription
          ? exitWithStderr(transport.exitDescription, transport.stderrTail)
          : undefined;
      throw new ToolCallError(
        `server "${server}" stopped during the call (${exit ?? "connection closed"}); ${afterStop(handle?.restarts ?? 0)}`,
      );
    }
    if (isSessionGone(error, handle?.transport)) throw new SessionGone(server);
    // No answer at all (a remote server down or unreachable): not a refusal, and the circuit breaker counts it.
    if (isUnreachable(error)) {
      throw new ToolCallError(
        `no answer from server "${server}": the connection failed (${describeFailure(error)}); ${MAY_RETURN}`,
      );
    }
    // An HTTP 5xx (a proxy's 502 while the server restarts, a 503): the call was not taken, so the breaker counts it.
    const status = httpStatus(error);
    if (status !== undefined && status >= 500) {
      throw new ToolCallError(`server "${server}" could not take the call: ${describeFailure(error)}; ${MAY_RETURN}`);
    }
    // Rate limited (429): the server is up and took nothing; the breaker does not count it.
    if (status === 429) {
      const when = error instanceof AskedToWait ? "after that wait" : "later";
      throw new ToolCallError(
        `server "${server}" is limiting its calls and did not take this one: ${describeFailure(error)}; call again ${when}, or go on without it`,
        true,
      );
    }
    // The agent dropped an answer too large to read (message-cap.ts): the server refused nothing.
    if (text.includes(OVER_CAP_MARK))
      throw new ToolCallError(`server "${server}" answered, but ${overCapPart(text)}`, true);
    // Something not MCP answered (a login page, a REST API's JSON): saying the server refused would mislead.
    if (isUnreadableAnswer(error)) {
      throw new ToolCallError(
        `server "${server}" answered the call with something that is not MCP (${describeFailure(error)}); a proxy or sign-in page in front of it may have answered — tell the user, calling again will not help`,
        true,
      );
    }
    // A 2026-07-28 server needs a capability the agent did not declare (-32021): why not first, then the server's
    // words. Calling again would get the same answer.
    if (error instanceof MissingRequiredClientCapabilityError) {
      throw new ToolCallError(
        `server "${server}" refused the call: ${notDeclared(error.requiredCapabilities)}. The server said: ${text}`,
        true,
      );
    }
    // An error page's status and text on one line, not its HTML.
    throw new ToolCallError(
      `server "${server}" refused the call: ${status === undefined ? text : describeFailure(error)}`,
      true,
    );
  }
}
