import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Client } from "@modelcontextprotocol/client";
import { afterEach, describe, expect, it } from "vitest";
import { builtinServers } from "../src/builtin-servers.js";
import { createClient, eraOf, type Negotiation, notDeclared } from "../src/mcp-client.js";
import { ProcessTransport } from "../src/process-transport.js";
import { listAllTools } from "../src/tool-listing.js";
import { stdioTransport } from "../src/transports.js";
import { FIXTURE } from "./fixtures/harness.js";

const V1 = join(dirname(fileURLToPath(import.meta.url)), "fixtures/v1-server.mjs");
const env = { PATH: process.env.PATH };
let clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  clients = [];
});

async function connect(negotiation: Negotiation, transport: ProcessTransport): Promise<Client> {
  const client = createClient(negotiation);
  clients.push(client);
  await client.connect(transport, { timeout: 15_000 });
  return client;
}

describe("the SDK client as the agent configures it", () => {
  const workspace = mkdtempSync(join(tmpdir(), "agent-client-"));
  const file = builtinServers(workspace)[0];
  if (!file) throw new Error("no built-in file server");

  it.each<[Negotiation, "modern" | "legacy"]>([
    ["pinned", "modern"],
    ["auto", "modern"],
  ])("%s reaches our server in the %s era, on the one process it spawned", async (negotiation, era) => {
    const transport = stdioTransport(file, env);
    const client = await connect(negotiation, transport);
    expect(eraOf(client)).toBe(era);
    expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
    expect(transport.pid).toBeGreaterThan(0);
    const { tools } = await listAllTools(client, 10_000);
    expect(tools.map((t) => (t as { name: string }).name)).toContain("read_file");
  });

  it("auto falls back to the 2025 handshake with a v1-SDK server and with a hand-written one", async () => {
    for (const script of [V1, FIXTURE]) {
      const client = await connect("auto", new ProcessTransport({ command: process.execPath, args: [script], env }));
      expect(eraOf(client)).toBe("legacy");
      expect(client.getNegotiatedProtocolVersion()).toBe("2025-11-25");
    }
  });

  it("lists every tool even when one is malformed, so the caller can leave that one out", async () => {
    const transport = new ProcessTransport({
      command: process.execPath,
      args: [FIXTURE],
      env: { ...env, FIXTURE_BAD_SCHEMA: "1" },
    });
    const client = await connect("auto", transport);
    const { tools, cut } = await listAllTools(client, 10_000);
    expect(cut).toBe(false);
    expect(tools.map((t) => (t as { name: string }).name)).toEqual(expect.arrayContaining(["echo", "no_schema"]));
  });
});

describe("auto negotiation with a server that exits on the probe", () => {
  it("starts it again and greets it the 2025 way", async () => {
    const { ServerPool } = await import("../src/servers.js");
    const pool = new ServerPool({ startupTimeoutMs: 10_000, env });
    try {
      const spec = {
        kind: "stdio" as const,
        name: "strict",
        command: process.execPath,
        args: [FIXTURE],
        env: { FIXTURE_STRICT_INIT: "1" },
        builtin: false,
      };
      expect(await pool.start([spec])).toEqual([]);
      expect(pool.tools.map((t) => t.name)).toContain("echo");
    } finally {
      await pool.close();
    }
  });
});

describe("notDeclared: why the agent did not declare what a server's -32021 requires", () => {
  it.each([
    [
      { elicitation: { form: {} } },
      "the agent asks the user nothing in this run (it asks only on a terminal, without --json or CI), so it did not offer elicitation",
    ],
    [
      { elicitation: {} },
      "the agent asks the user nothing in this run (it asks only on a terminal, without --json or CI), so it did not offer elicitation",
    ],
    [
      { elicitation: { url: {} } },
      "the agent asks the user in form mode only, and the server wants elicitation in url mode",
    ],
    [
      { sampling: {}, roots: {} },
      "sampling is off in this agent run (the user can allow it with mcp-agent --allow-sampling); the agent does not offer roots",
    ],
  ])("%j → %s", (required, reason) => {
    expect(notDeclared(required)).toBe(reason);
  });
});
