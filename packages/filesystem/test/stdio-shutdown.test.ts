import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { auditedCall, auditLines } from "../../core/test/audit-trail.js";
import { WITHDRAWN } from "../../core/test/shutdown-call.js";
import { tempDir } from "./helpers.js";

// The shipped bin over stdio, as Claude Desktop runs it, with a search running: SIGTERM (the host stopping it) answers
// the search that the server is shutting down before the pipe closes; stdin closing (the host gone) leaves nobody to
// answer, but the search is still stopped and audited, as cancelled.

const BIN = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));

/** 1,000 lines that a backtracking regex takes tens of ms each to fail on: a search of seconds in one small file. */
const tree = tempDir("fs-stdio-stop-");
writeFileSync(path.join(tree.dir, "slow.txt"), `${"a".repeat(100)}\n`.repeat(1000));
const logs = tempDir("fs-stdio-stop-audit-");
afterAll(() => {
  tree.cleanup();
  logs.cleanup();
});

// No single literal every match must hold (a `b` or a `;`), so the file is not skipped unread by a byte search.
const SEARCH = { pattern: "*.txt", content: "/a*a*a*[b;]/" };

/** Every JSON-RPC message `child` writes, one per line, each handed to `heard` as it comes. */
function messagesOf<T>(child: ReturnType<typeof spawn>, heard: (message: T) => void): T[] {
  const messages: T[] = [];
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const complete = buffered.split("\n");
    buffered = complete.pop() ?? "";
    for (const line of complete) {
      const message = JSON.parse(line) as T;
      messages.push(message);
      heard(message);
    }
  });
  return messages;
}

/** The bin with a search under way (its first progress seen), then stopped by `stop`; the lines it wrote. */
async function stoppedSearch(audit: string, stop: (child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, [BIN, "--root", tree.dir, "--audit-log", audit], {
    stdio: ["pipe", "pipe", "ignore"],
    env: { PATH: process.env.PATH ?? "" },
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  let stopped = false;
  const lines = messagesOf<{ id?: number; method?: string; result?: unknown }>(child, (message) => {
    if (message.method === "notifications/progress" && !stopped) {
      stopped = true;
      stop(child);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const send = (message: object) => child.stdin?.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
  const clientInfo = { name: "stdio-stop", version: "1" };
  send({ id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo } });
  send({ method: "notifications/initialized" });
  send({
    id: 1,
    method: "tools/call",
    params: { name: "search_files", arguments: SEARCH, _meta: { progressToken: "p" } },
  });
  const code = await exited;
  clearTimeout(killer);
  return { code, answer: lines.find((line) => line.id === 1) };
}

describe("a search running over stdio when the server stops", () => {
  it("on SIGTERM, is answered that the server is shutting down before the pipe closes, and audited so", async () => {
    const audit = path.join(logs.dir, "sigterm.jsonl");
    const { code, answer } = await stoppedSearch(audit, (child) => child.kill("SIGTERM"));
    const text =
      "search_files failed: the server is shutting down and stopped it before it finished: call again (another instance may answer)";
    expect(code).toBe(0);
    expect(answer).toMatchObject({ result: { isError: true, content: [{ type: "text", text }] } });
    expect(await auditedCall(audit, "search_files", SEARCH)).toMatchObject({ outcome: "error", reason: text });
  }, 30_000);

  it("on stdin closing, is stopped and audited as cancelled", async () => {
    const audit = path.join(logs.dir, "stdin.jsonl");
    const { code } = await stoppedSearch(audit, (child) => child.stdin?.end());
    expect(code).toBe(0);
    expect(await auditedCall(audit, "search_files", SEARCH)).toMatchObject({
      outcome: "cancelled",
      reason: expect.stringMatching(/^cancelled by the client after \d+ entr(y|ies); results are partial$/),
    });
  }, 30_000);
});

describe("a 2025-era call waiting on its user's answer over stdio", () => {
  it("on SIGTERM, has its question withdrawn and is answered that the server is shutting down", async () => {
    const audit = path.join(logs.dir, "asked.jsonl");
    writeFileSync(path.join(tree.dir, "keep.txt"), "keep");
    const child = spawn(process.execPath, [BIN, "--root", tree.dir, "--confirm", "destructive", "--audit-log", audit], {
      stdio: ["pipe", "pipe", "ignore"],
      env: { PATH: process.env.PATH ?? "" },
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    type Message = { id?: number | string; method?: string; params?: { requestId?: unknown }; result?: unknown };
    const lines = messagesOf<Message>(child, (message) => {
      // The question is out, and never answered: the server is stopped meanwhile.
      if (message.method === "elicitation/create") child.kill("SIGTERM");
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const send = (message: object) => child.stdin?.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
    const clientInfo = { name: "stdio-asked", version: "1" };
    const capabilities = { elicitation: {} };
    send({ id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities, clientInfo } });
    send({ method: "notifications/initialized" });
    send({ id: 1, method: "tools/call", params: { name: "delete_file", arguments: { path: "keep.txt" } } });
    const code = await exited;
    clearTimeout(killer);
    const question = lines.find((line) => line.method === "elicitation/create");
    // The client is told the question is withdrawn, then answered.
    expect(lines.filter((line) => line.method === "notifications/cancelled" || line.id === 1)).toEqual([
      expect.objectContaining({ params: expect.objectContaining({ requestId: question?.id }) }),
      expect.objectContaining({ result: { isError: true, content: [{ type: "text", text: WITHDRAWN }] } }),
    ]);
    expect(code).toBe(0);
    expect(existsSync(path.join(tree.dir, "keep.txt"))).toBe(true);
    const calls = auditLines(audit).filter((entry) => entry.tool === "delete_file");
    expect(calls.map(({ outcome, reason }) => ({ outcome, reason }))).toEqual([
      { outcome: "asked", reason: null },
      { outcome: "error", reason: WITHDRAWN },
    ]);
  }, 30_000);
});
