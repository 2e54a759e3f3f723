import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { toServerSentEvents } from "../../packages/agent/test/fixtures/sse.js";

/** One scripted assistant reply: text that ends the turn, or a tool call. */
export type Reply = { text: string } | { tool: { name: string; input: Record<string, unknown> } };

/** A Messages API request as the stand-in saw it. */
export interface SeenRequest {
  /** performance.now() when the request's body had fully arrived. */
  at: number;
  /** performance.now() when the reply was fully written. */
  repliedAt: number;
  body: { stream?: boolean; tools?: { name: string }[]; messages?: unknown[] };
}

/**
 * A local stand-in for POST /v1/messages that answers instantly, as JSON or as an SSE stream (whichever the
 * request asks for), with replies from `script(requestIndex)`. Anything else is a 404 the agent would report.
 */
export async function startStandIn(): Promise<{
  url: string;
  seen: SeenRequest[];
  /** TCP connections accepted since the last reset: one per run shows the client keeps its connection alive. */
  connections: number;
  script: (index: number, body: SeenRequest["body"]) => Reply;
  reset(script: (index: number, body: SeenRequest["body"]) => Reply): void;
  close(): Promise<void>;
}> {
  const state = {
    seen: [] as SeenRequest[],
    connections: 0,
    script: ((): Reply => ({ text: "done" })) as (index: number, body: SeenRequest["body"]) => Reply,
  };
  let id = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const at = performance.now();
      if (req.method !== "POST" || !req.url?.split("?")[0]?.endsWith("/v1/messages")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: `no ${req.url}` } }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as SeenRequest["body"];
      const index = state.seen.length;
      const record: SeenRequest = { at, repliedAt: at, body };
      state.seen.push(record);
      const reply = state.script(index, body);
      const message = toMessage(`msg_bench_${++id}`, reply);
      res.on("finish", () => {
        record.repliedAt = performance.now();
      });
      if (body.stream) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        res.end(toServerSentEvents(message));
      } else {
        res.writeHead(200, { "content-type": "application/json", "request-id": `req_${id}` });
        res.end(JSON.stringify(message));
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on("connection", () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get seen() {
      return state.seen;
    },
    get connections() {
      return state.connections;
    },
    get script() {
      return state.script;
    },
    reset(script) {
      state.seen = [];
      state.connections = 0;
      state.script = script;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Block = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: unknown };

function toMessage(id: string, reply: Reply) {
  const content: Block[] =
    "text" in reply
      ? [{ type: "text", text: reply.text }]
      : [{ type: "tool_use", id: `toolu_${id}`, name: reply.tool.name, input: reply.tool.input }];
  return {
    id,
    type: "message",
    role: "assistant",
    model: "claude-bench-stand-in",
    content,
    stop_reason: "text" in reply ? "end_turn" : "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}
