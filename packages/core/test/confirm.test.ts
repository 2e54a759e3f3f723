// Asking the user before a destructive call, with real clients of both generations: over stdio (in memory) in the
// 2025 era, over stateless HTTP in 2026-07-28, and over real HTTP both stateless and with sessions. The answer
// decides whether the item is gone; a 2025-era client that cannot be asked gets a refusal naming the setting, a
// 2026-07-28 request that does not declare elicitation the spec's -32021 saying the same.
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AuditLog } from "../src/audit-log.js";
import { CONFIRM_OPTIONS, ignoredConfirmWarning, selectConfirm, unconfirmed } from "../src/confirm.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { ok } from "../src/results.js";
import { type ServerFactory, serverFactory } from "../src/server-factory.js";
import { flagNames, type SettingNames } from "../src/setting-names.js";
import { defineTool, toolSet } from "../src/tool.js";
import { memoryAudit } from "./audit-trail.js";
import { type Answerer, type ClientKind, connectClient, missingCapability, type TestClient } from "./clients.js";
import { textOf } from "./fixtures.js";
import { TOOLS_LIST_BODY, TOOLS_LIST_HEADERS } from "./modern-request.js";

const DESTRUCTIVE = { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false };

/** A bin's names for its settings, as a server's cli.ts gives them: its own options (the common ones are added). */
const BIN_NAMES = flagNames(CONFIRM_OPTIONS);

/** A vault of named items whose `delete_item` asks first, naming what will be lost (and settings as `names` says). */
function vaultFactory(items: Map<string, string>, names?: SettingNames): ServerFactory {
  const deleteItem = defineTool({
    name: "delete_item",
    title: "Delete an item",
    description: "Delete one item from the vault.",
    inputSchema: { name: z.string().describe("The item.") },
    annotations: DESTRUCTIVE,
    handler: async ({ name }, call) => {
      const value = items.get(name);
      if (value === undefined) return ok(`no item ${name}`);
      const what = `deleting item ${name} (${value.length} bytes)`;
      const refused = unconfirmed(await call.confirm(`Delete item ${name} (${value.length} bytes)?`), what, names);
      if (refused) return refused;
      items.delete(name);
      return ok(`deleted ${name}`);
    },
  });
  return serverFactory({ info: { name: "vault", version: "1.0.0" }, tools: toolSet([deleteItem], { names }) });
}

const clients: TestClient[] = [];
const endpoints: HttpEndpoint[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

async function vault(kind: ClientKind, answer?: Answerer) {
  const items = new Map([["ledger", "x".repeat(42)]]);
  const factory = vaultFactory(items);
  const client = await connectClient(factory, kind, undefined, answer && { elicit: { answer } });
  clients.push(client);
  return { items, client, factory };
}

const KINDS: ClientKind[] = ["modern", "v2@2025-11-25", "v1@2025-11-25", "v1@2025-06-18"];

describe.each(KINDS)("confirming with a %s client", (kind) => {
  it("asks exactly what will be lost, and deletes once the user accepts", async () => {
    const questions: string[] = [];
    const { items, client } = await vault(kind, (message) => {
      questions.push(message);
      return { action: "accept", content: { confirm: true } };
    });
    const result = await client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
    expect(textOf(result)).toBe("deleted ledger");
    expect(questions).toEqual(["Delete item ledger (42 bytes)?"]);
    expect(items.has("ledger")).toBe(false);
  });

  it.each([
    ["declines", { action: "decline" } as const, /the user declined deleting item ledger \(42 bytes\)/],
    ["dismisses the question", { action: "cancel" } as const, /dismissed the question about deleting item ledger/],
    ["accepts with the box unticked", { action: "accept", content: { confirm: false } } as const, /declined/],
    [
      "accepts with an answer not in the form's shape",
      { action: "accept", content: { confirm: "yes" } } as const,
      /the client accepted the question about deleting item ledger \(42 bytes\) with an answer that is not the form's/,
    ],
  ])("changes nothing when the user %s, and says so", async (_, answer, message) => {
    const { items, client, factory } = await vault(kind, () => answer);
    const result = await client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(textOf(result)).toMatch(/Nothing was changed/);
    expect(items.get("ledger")).toHaveLength(42);
    expect(factory.stats.report().refusals).toEqual({ declined: 1 });
  });

  it("takes a no as final though the item changed while the user decided", async () => {
    const questions: string[] = [];
    const { items, client } = await vault(kind, (message) => {
      questions.push(message);
      items.set("ledger", `${items.get("ledger")}x`); // another program writes to it meanwhile
      return { action: "decline" };
    });
    const result = await client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
    expect(questions).toEqual(["Delete item ledger (42 bytes)?"]);
    expect(textOf(result)).toMatch(/the user declined deleting item ledger \(43 bytes\)\. Nothing was changed/);
    expect(items.has("ledger")).toBe(true);
  });

  it("asks again while the item changes, and stops after three questions, changing nothing", async () => {
    const questions: string[] = [];
    const { items, client, factory } = await vault(kind, (message) => {
      questions.push(message);
      items.set("ledger", `${items.get("ledger")}x`);
      return { action: "accept", content: { confirm: true } };
    });
    const result = await client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
    expect(questions).toEqual([
      "Delete item ledger (42 bytes)?",
      "Delete item ledger (43 bytes)?",
      "Delete item ledger (44 bytes)?",
    ]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      "Not done: deleting item ledger (45 bytes) changed each of the 3 times the user was asked (something else is changing it meanwhile), so no yes was for what would be lost now. Nothing was changed; try again once it has stopped changing.",
    );
    expect(items.has("ledger")).toBe(true);
    expect(factory.stats.report().refusals).toEqual({ unconfirmable: 1 });
  });
});

// A 2026-07-28 client that cannot be asked gets -32021 instead (below).
describe.each(KINDS.filter((kind) => kind !== "modern"))("confirming with a %s client without elicitation", (kind) => {
  it("refuses, naming the setting, when the client cannot be asked", async () => {
    const { items, client, factory } = await vault(kind);
    const result = await client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/needs the user's confirmation, as the server runs with confirm: destructive,/);
    expect(items.has("ledger")).toBe(true);
    expect(factory.stats.report().refusals).toEqual({ unconfirmable: 1 });
  });
});

/** What a 2026-07-28 request that cannot be asked is told (the SDK's -32021 message, after ours). */
const UNASKABLE = (setting: string, question: string) =>
  `Not done: this call needs the user's confirmation: the server runs with ${setting}, so a call that deletes or replaces a whole thing asks the user first, and this request's client capabilities do not declare elicitation (form mode), so the user cannot be asked ${JSON.stringify(question)}; nothing was changed, and calling again from this client fails the same way. Use a client that supports elicitation in form mode, or ask the server's operator, who set ${setting}. (Cannot request input 'confirm' (elicitation/create): the request's client capabilities do not declare the required capability)`;

describe("confirming with a 2026-07-28 client that does not declare elicitation", () => {
  it("is answered -32021 naming elicitation (form mode) and why, changes nothing, and counts a refusal", async () => {
    const { items, client, factory } = await vault("modern");
    expect(await missingCapability(client.callTool({ name: "delete_item", arguments: { name: "ledger" } }))).toEqual({
      message: UNASKABLE("confirm: destructive", "Delete item ledger (42 bytes)?"),
      required: { elicitation: { form: {} } },
    });
    expect(items.has("ledger")).toBe(true);
    expect(factory.stats.report().refusals).toEqual({ unconfirmable: 1 });
    expect(factory.stats.report().tools.delete_item).toMatchObject({ calls: 1, errors: 1 });
  });
});

describe("confirming over real HTTP", () => {
  async function serve(stateful: boolean, names?: SettingNames, audit?: AuditLog) {
    const items = new Map([["ledger", "secret ledger"]]);
    const endpoint = await serveHttp(vaultFactory(items, names), {
      host: "127.0.0.1",
      port: 0,
      token: "t".repeat(32),
      stateful,
      ...(audit ? { audit } : {}),
    });
    endpoints.push(endpoint);
    return { items, url: endpoint.url };
  }
  const accept: Answerer = () => ({ action: "accept", content: { confirm: true } });

  it("asks a 2026-07-28 client through input_required, which needs no session", async () => {
    const { items, url } = await serve(false);
    const client = await connectClient({ url, token: "t".repeat(32) }, "modern", undefined, {
      elicit: { answer: accept },
    });
    clients.push(client);
    expect(textOf(await client.callTool({ name: "delete_item", arguments: { name: "ledger" } }))).toBe(
      "deleted ledger",
    );
    expect(items.size).toBe(0);
  });

  it.each([
    ["a library's option", undefined, "confirm: destructive", "stateful: true"],
    ["a bin's flags", BIN_NAMES, "--confirm destructive (MCP_CONFIRM)", "--stateful (MCP_HTTP_STATEFUL=1)"],
  ])(
    "cannot ask a 2025 client over stateless HTTP, and refuses naming sessions as %s",
    async (_, names, confirm, stateful) => {
      const { items, url } = await serve(false, names);
      const client = await connectClient({ url, token: "t".repeat(32) }, "v1@2025-11-25", undefined, {
        elicit: { answer: accept },
      });
      clients.push(client);
      const result = await client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
      expect(textOf(result)).toBe(
        `Not done: deleting item ledger (13 bytes) needs the user's confirmation, as the server runs with ${confirm}, and a 2025-era client over stateless HTTP cannot be asked: the server needs sessions for that, ${stateful}. Nothing was changed.`,
      );
      expect(items.size).toBe(1);
    },
  );

  it("refuses a 2025 client without elicitation on a --stateful server, naming only that cause", async () => {
    const { items, url } = await serve(true);
    const client = await connectClient({ url, token: "t".repeat(32) }, "v1@2025-11-25");
    clients.push(client);
    const result = await client.callTool({ name: "delete_item", arguments: { name: "ledger" } });
    expect(textOf(result)).toBe(
      "Not done: deleting item ledger (13 bytes) needs the user's confirmation, as the server runs with confirm: destructive, and this client cannot ask: it does not support elicitation (form mode). Nothing was changed.",
    );
    expect(items.size).toBe(1);
  });

  it.each([
    ["stateless, in a library's terms", false, undefined, "confirm: destructive"],
    ["--stateful, in a bin's terms", true, BIN_NAMES, "--confirm destructive (MCP_CONFIRM)"],
  ])(
    "answers a raw 2026-07-28 call without elicitation 400 and -32021 (%s), its audit line a refusal",
    async (_, stateful, names, setting) => {
      const { audit, entries } = memoryAudit();
      const { items, url } = await serve(stateful, names, audit);
      const body = {
        ...TOOLS_LIST_BODY,
        id: 7,
        method: "tools/call",
        params: { ...TOOLS_LIST_BODY.params, name: "delete_item", arguments: { name: "ledger" } },
      };
      const response = await fetch(url, {
        method: "POST",
        headers: {
          ...TOOLS_LIST_HEADERS,
          "mcp-method": "tools/call",
          "mcp-name": "delete_item",
          authorization: `Bearer ${"t".repeat(32)}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        jsonrpc: "2.0",
        id: 7,
        error: {
          code: -32021,
          message: UNASKABLE(setting, "Delete item ledger (13 bytes)?"),
          data: { requiredCapabilities: { elicitation: { form: {} } } },
        },
      });
      expect(items.size).toBe(1);
      const line = entries.find((entry) => entry.method === "tools/call");
      expect(line).toMatchObject({ tool: "delete_item", outcome: "error" });
      expect(line?.reason).toMatch(/^Not done: this call needs the user's confirmation: the server runs with /);
    },
  );

  it("asks a 2025 client that has a session (--stateful)", async () => {
    const { items, url } = await serve(true);
    const client = await connectClient({ url, token: "t".repeat(32) }, "v1@2025-11-25", undefined, {
      elicit: { answer: accept },
    });
    clients.push(client);
    expect(textOf(await client.callTool({ name: "delete_item", arguments: { name: "ledger" } }))).toBe(
      "deleted ledger",
    );
    expect(items.size).toBe(0);
  });
});

describe("selectConfirm", () => {
  it.each([
    ["never", "never"],
    ["destructive", "destructive"],
    [" Destructive ", "destructive"],
    ["", "never"],
  ])("reads %j as %s", (value, mode) => {
    expect(selectConfirm({ confirm: value })).toBe(mode);
  });

  it.each(["always", "yes", "destructive,never"])("refuses %j with one line naming the setting", (value) => {
    expect(() => selectConfirm({ confirm: value })).toThrow(/--confirm \(MCP_CONFIRM\) must be never or destructive/);
  });
});

describe("ignoredConfirmWarning", () => {
  const WHY = "only delete_item asks the user first, and a read-only vault does not list it";
  it.each<
    [Parameters<typeof ignoredConfirmWarning>[0], string | undefined, SettingNames | undefined, string | undefined]
  >([
    [
      "destructive",
      "--read-only (MCP_READ_ONLY=1)",
      BIN_NAMES,
      `--confirm destructive (MCP_CONFIRM) has no effect with --read-only (MCP_READ_ONLY=1): ${WHY}, so it is ignored`,
    ],
    [
      "destructive",
      "readOnly: true",
      undefined,
      `confirm: destructive has no effect with readOnly: true: ${WHY}, so it is ignored`,
    ],
    ["destructive", undefined, BIN_NAMES, undefined],
    ["never", "readOnly: true", undefined, undefined],
    [undefined, "readOnly: true", undefined, undefined],
  ])("confirm %s, read-only by %s → %s", (confirm, readOnly, names, warning) => {
    expect(ignoredConfirmWarning(confirm, readOnly, WHY, names)).toBe(warning);
  });
});
