// Cancelling a call the two ways an HTTP client can, and finding the processes a server runs, for each server's tests.
import { readdirSync, readFileSync } from "node:fs";
import { connectClient } from "./clients.js";

/** A 2026-07-28 client calls `name` and aborts after `afterMs`: the SDK closes the request's stream. */
export async function abortModernCall(
  url: URL,
  token: string,
  name: string,
  args: Record<string, unknown>,
  afterMs: number,
): Promise<void> {
  const client = await connectClient({ url, token }, "modern");
  try {
    const aborting = new AbortController();
    const call = client.callTool({ name, arguments: args }, { signal: aborting.signal, timeout: 120_000 });
    setTimeout(() => aborting.abort(), afterMs);
    await call.then(
      () => {
        throw new Error(`${name} finished before it was aborted; give it more work`);
      },
      () => undefined,
    );
  } finally {
    await client.close();
  }
}

/** A 2025-era client calls `name` in one POST and drops the connection after `afterMs`. */
export async function dropLegacyCall(
  url: URL,
  token: string,
  name: string,
  args: Record<string, unknown>,
  afterMs: number,
): Promise<void> {
  const dropping = new AbortController();
  setTimeout(() => dropping.abort(), afterMs);
  const answered = await fetch(url, {
    method: "POST",
    signal: dropping.signal,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-06-18",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
  }).then(
    async (response) => {
      await response.text();
      return true;
    },
    () => false,
  );
  if (answered) throw new Error(`${name} answered before the connection was dropped; give it more work`);
}

/** The processes `pid` has started, and theirs (Linux /proc): a server's executor processes. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const child of children.get(p) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}
