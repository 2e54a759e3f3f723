// A tool call to a built server over HTTP, with SIGTERM sent to the server (as a rolling restart does) once progress
// says the call is running: what each protocol era's client is answered, for each server's shutdown tests.
import type { CallToolResult } from "@modelcontextprotocol/client";
import type { BuiltServer } from "./built-server.js";

/** What a 2025-era call answers when the server stops while its user is asked to confirm it (asked-calls.ts). */
export const WITHDRAWN =
  "Not done: the user was asked to confirm this call, and the server is shutting down, so the question was withdrawn before they answered. Nothing was changed; call again (another instance may answer).";

/** Send SIGTERM to `server` once: a second one forces the exit at once, as a second Ctrl-C does. */
function terminateOnce(server: BuiltServer): () => void {
  let signalled = false;
  return () => {
    if (!signalled) process.kill(server.pid as number, "SIGTERM");
    signalled = true;
  };
}

/** A 2026-07-28 client's call of `name`, the server sent SIGTERM at its first progress; its answer. */
export async function stoppedModernCall(
  server: BuiltServer,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  const stop = terminateOnce(server);
  return (await server.client.callTool(
    { name, arguments: args },
    { timeout: 30_000, onprogress: stop },
  )) as CallToolResult;
}

/**
 * A 2025-era client's tools/call of `name` in one POST to `url` (2025-06-18, asking for progress), checked to be
 * answered as an event stream; the response, for the caller to read.
 */
export async function postLegacyToolCall(
  url: URL,
  token: string,
  name: string,
  args: Record<string, unknown>,
): Promise<Response> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-06-18",
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name, arguments: args, _meta: { progressToken: "p" } },
    }),
    signal: AbortSignal.timeout(30_000),
  });
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("text/event-stream"))
    throw new Error(`expected an event stream, got ${response.status} ${type}`);
  return response;
}

/** A 2025-era client's call of `name` in one POST, read as its event stream: SIGTERM at its first progress. */
export async function stoppedLegacyCall(
  server: BuiltServer,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  const response = await postLegacyToolCall(server.url as URL, server.token as string, name, args);
  const stop = terminateOnce(server);
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    for (const data of text.matchAll(/^data: (.*)$/gm)) {
      const message = JSON.parse(data[1] as string) as { id?: number; method?: string; result?: CallToolResult };
      if (message.method === "notifications/progress") stop();
      if (message.id === 1 && message.result) return message.result;
    }
  }
  throw new Error(`the stream ended with no answer:\n${text}`);
}

/** Both, for it.each. */
export const STOPPED_CALLS = [
  ["a 2026-07-28 client", stoppedModernCall],
  ["a 2025-era client", stoppedLegacyCall],
] as const;
