import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineTool,
  EMPTY_POLICY,
  type HttpEndpoint,
  ok,
  serveHttp,
  serverFactory,
  tokensFileAuthenticator,
  toolSet,
} from "@mcp-toolkit/core";
import { afterEach, expect, it } from "vitest";
import { z } from "zod";
import { ServerPool } from "../src/servers.js";
import { addTool } from "./fixtures/add-tool.js";

// A remote server whose operator takes a role away from the agent's token while the agent runs (the tokens file
// edited, SIGHUP): the call the agent still offers is refused with 403 insufficient_scope, the token itself valid.

const noteTool = defineTool({
  name: "note",
  title: "Note",
  description: "Keep a note.",
  inputSchema: { text: z.string().describe("The note.") },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async () => ok("kept"),
});

const TOKEN = "agent-token-0123456789abcdef0123456789";
let dir: string | undefined;
let endpoint: HttpEndpoint | undefined;
let pool: ServerPool | undefined;

afterEach(async () => {
  await pool?.close();
  await endpoint?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  [pool, endpoint, dir] = [undefined, undefined, undefined];
});

function writeTokens(file: string, roles: string[]): void {
  const sha256 = createHash("sha256").update(TOKEN).digest("hex");
  writeFileSync(file, JSON.stringify({ tokens: [{ name: "agent", sha256, roles }] }));
}

it("says a call refused for the token's roles is a missing role, not credentials to check", async () => {
  dir = mkdtempSync(join(tmpdir(), "forbidden-call-"));
  const tokens = join(dir, "tokens.json");
  writeTokens(tokens, ["writer"]);
  const auth = await tokensFileAuthenticator(tokens, EMPTY_POLICY);
  endpoint = await serveHttp(
    serverFactory({ info: { name: "team", version: "1.0.0" }, tools: toolSet([addTool, noteTool]) }),
    { host: "127.0.0.1", port: 0, auth },
  );
  pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  const headers = { Authorization: `Bearer ${TOKEN}` };
  expect(await pool.start([{ kind: "http", name: "team", url: endpoint.url.href, headers, builtin: false }])).toEqual(
    [],
  );
  writeTokens(tokens, ["reader"]);
  await auth.reload?.();

  const refused = pool.call("team", "note", { text: "x" }, { timeoutMs: 10_000 });
  await expect(refused).rejects.toThrow(
    /Forbidden \(HTTP 403\): team took the credentials given in its mcp\.json "headers" \(Authorization\) but refused this request, saying insufficient_scope: "tool note is not in the caller's roles \(reader\);.*" — the token is valid and lacks the role or scope for it/,
  );
  await expect(refused).rejects.not.toThrow(/HTTP 401|check the value sent/);
  // What the token still allows goes on.
  const sum = await pool.call("team", "add", { a: 1, b: 2 }, { timeoutMs: 10_000 });
  expect(sum.isError).toBeFalsy();
});
