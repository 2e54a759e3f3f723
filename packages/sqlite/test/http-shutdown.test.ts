import { fileURLToPath } from "node:url";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { afterEach, describe, expect, it } from "vitest";
import { auditedCall } from "../../core/test/audit-trail.js";
import { useServers } from "../../core/test/built-server.js";
import { startAuditedOverHttp } from "./helpers.js";

// The shipped server over stateless HTTP, stopped (SIGTERM, as a rolling restart sends it) while a statement runs
// past the drain deadline: the statement is stopped and its client is answered that the server is shutting down —
// before the connection is cut, so it can retry on another replica — in either protocol era; the audit line agrees.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Counts forever: only the shutdown stops it (the time limit is raised to a minute). */
const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
const SHUTTING_DOWN =
  "execute_query failed: the server is shutting down; nothing was changed: call again (another instance may answer)";

/** A 2026-07-28 client's call, with SIGTERM sent to the server once progress says the statement is running. */
async function modernCall(server: Awaited<ReturnType<typeof start>>): Promise<CallToolResult> {
  // Once: a second SIGTERM forces the exit at once, as a second Ctrl-C does.
  let signalled = false;
  const stop = () => {
    if (!signalled) process.kill(server.pid as number, "SIGTERM");
    signalled = true;
  };
  return (await server.client.callTool(
    { name: "execute_query", arguments: { sql: ENDLESS } },
    { timeout: 30_000, onprogress: stop },
  )) as CallToolResult;
}

/** A 2025-era client's call in one POST, read as its event stream: SIGTERM once progress comes, then the answer. */
async function legacyCall(server: Awaited<ReturnType<typeof start>>): Promise<CallToolResult> {
  const response = await fetch(server.url as URL, {
    method: "POST",
    headers: {
      authorization: `Bearer ${server.token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-06-18",
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "execute_query", arguments: { sql: ENDLESS }, _meta: { progressToken: "p" } },
    }),
  });
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const decoder = new TextDecoder();
  let text = "";
  let signalled = false;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    for (const data of text.matchAll(/^data: (.*)$/gm)) {
      const message = JSON.parse(data[1] as string) as { id?: number; method?: string; result?: CallToolResult };
      if (message.method === "notifications/progress" && !signalled) {
        signalled = true;
        process.kill(server.pid as number, "SIGTERM");
      }
      if (message.id === 1 && message.result) return message.result;
    }
  }
  throw new Error(`the stream ended with no answer:\n${text}`);
}

describe("a statement still running when the server stops", () => {
  it.each([
    ["a 2026-07-28 client", modernCall],
    ["a 2025-era client", legacyCall],
  ])(
    "is answered that the server is shutting down, for %s, and audited so",
    async (_, call) => {
      const { server, audit } = await startAuditedOverHttp(start, cleanups);
      const result = await call(server);
      expect(result).toMatchObject({ isError: true, content: [{ type: "text", text: SHUTTING_DOWN }] });
      expect(await auditedCall(audit, "execute_query", { sql: ENDLESS })).toMatchObject({
        outcome: "error",
        reason: SHUTTING_DOWN,
      });
    },
    60_000,
  );
});
