// The load of the http-load figures, in its own process so that the clients' CPU is not the bench's and is spent
// the same way for every server: forked with IPC by http-load.ts (whose DriverRequest and DriverReply types describe
// the messages). Plain JavaScript run by plain `node`: under tsx, its loader hooks cost each call more than the
// clients do. Each `connect` opens a set of real SDK v2 clients over Streamable HTTP to one server in one era; each
// `run` keeps every client of a set calling one tool back to back for a while and answers with the latencies. Sets
// stay open between runs, so the two sides of an interleaved figure alternate without reconnecting.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

/** @type {Map<string, Client[]>} */
const sets = new Map();

/** One client of `era`: 2026-07-28 pinned (no fallback), or the SDK's plain 2025 handshake offering 2025-11-25. */
async function open(url, token, era) {
  const client = new Client(
    { name: "mcp-toolkit-bench-load", version: "0.1.0" },
    era === "2026-07-28" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {},
  );
  const requestInit = { headers: { authorization: `Bearer ${token}` } };
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit }));
  const negotiated = client.getNegotiatedProtocolVersion();
  if (negotiated !== era) throw new Error(`${url}: asked for ${era}, the connection speaks ${negotiated}`);
  return client;
}

/**
 * Every client calls `tool` back to back until `ms` have passed; the calls that finished, with their latencies. The
 * first result's text must contain `expect`: a fast wrong answer measures nothing.
 */
async function run(clients, tool, args, ms, expect) {
  const latencies = [];
  let errors = 0;
  let firstError;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const result = await client.callTool({ name: tool, arguments: args });
        const t1 = performance.now();
        if (expect !== undefined) {
          const text = (result.content ?? []).map((c) => c.text ?? "").join("");
          if (!text.includes(expect)) throw new Error(`${tool} answered without ${expect}: ${text.slice(0, 200)}`);
          expect = undefined;
        }
        if (result.isError) {
          errors++;
          firstError ??= JSON.stringify(result.content).slice(0, 300);
        } else latencies.push(t1 - t0);
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { latencies, errors, firstError, elapsedMs, cpuMs: (used.user + used.system) / 1000 };
}

async function handle(message) {
  switch (message.type) {
    case "connect": {
      const opening = Array.from({ length: message.clients }, () => open(message.url, message.token, message.era));
      sets.set(message.set, await Promise.all(opening));
      return { type: "connected" };
    }
    case "run": {
      const clients = sets.get(message.set);
      if (!clients) throw new Error(`no client set ${message.set}`);
      return { type: "ran", ...(await run(clients, message.tool, message.args, message.ms, message.expect)) };
    }
    case "close": {
      for (const clients of sets.values()) await Promise.all(clients.map((c) => c.close().catch(() => {})));
      sets.clear();
      return { type: "closed" };
    }
    default:
      throw new Error(`unknown request ${message.type}`);
  }
}

process.on("message", (message) => {
  handle(message).then(
    (reply) => process.send?.(reply),
    (error) => process.send?.({ type: "error", message: error.message }),
  );
});
