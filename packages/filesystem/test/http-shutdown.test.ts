import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { auditedCall, auditLines } from "../../core/test/audit-trail.js";
import { launchHttp, useServers } from "../../core/test/built-server.js";
import { type ClientKind, connectClient } from "../../core/test/clients.js";
import { STOPPED_CALLS, WITHDRAWN } from "../../core/test/shutdown-call.js";
import { tempDir } from "./helpers.js";

// The shipped server over stateless HTTP, stopped (SIGTERM, as a rolling restart sends it) while a search runs past
// the drain deadline: the search is stopped and its client is answered that the server is shutting down — before
// the connection is cut, so it can retry on another replica — in either protocol era; the audit line agrees.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);

/** 1,000 lines that a backtracking regex takes tens of ms each to fail on: a search of seconds in one small file. */
const tree = tempDir("fs-shutdown-");
writeFileSync(path.join(tree.dir, "slow.txt"), `${"a".repeat(100)}\n`.repeat(1000));
/** The servers' audit trails, outside the tree they search. */
const logs = tempDir("fs-shutdown-audit-");
afterAll(() => {
  tree.cleanup();
  logs.cleanup();
});

// No single literal every match must hold (a `b` or a `;`), so the file is not skipped unread by a byte search.
const SEARCH = { pattern: "*.txt", content: "/a*a*a*[b;]/" };
const SHUTTING_DOWN =
  "search_files failed: the server is shutting down and stopped it before it finished: call again (another instance may answer)";

describe("a search still running when the server stops", () => {
  it.each(STOPPED_CALLS)(
    "is answered that the server is shutting down, for %s, and audited so",
    async (kind, call) => {
      const audit = path.join(logs.dir, `${kind.replace(/\W/g, "-")}.jsonl`);
      const server = await start("bin", "http", ["--root", tree.dir, "--audit-log", audit]);
      const result = await call(server, "search_files", SEARCH);
      expect(result).toMatchObject({ isError: true, content: [{ type: "text", text: SHUTTING_DOWN }] });
      expect(await auditedCall(audit, "search_files", SEARCH)).toMatchObject({
        outcome: "error",
        reason: SHUTTING_DOWN,
      });
    },
    60_000,
  );
});

describe("a 2025-era call waiting on its user's answer in a --stateful session when the server stops", () => {
  it.each<ClientKind>(["v1@2025-11-25", "v2@2025-06-18"])(
    "is answered, for a %s client, that the server is shutting down, the question withdrawn, and audited so",
    async (kind) => {
      const audit = path.join(logs.dir, `asked-${kind.replace(/\W/g, "-")}.jsonl`);
      const file = `keep-${kind.replace(/\W/g, "-")}.txt`;
      writeFileSync(path.join(tree.dir, file), "keep");
      const token = randomBytes(16).toString("hex");
      const args = ["--root", tree.dir, "--confirm", "destructive", "--stateful", "--audit-log", audit];
      const server = await launchHttp(DIST, "bin", args, { MCP_AUTH_TOKEN: token });
      const asked: string[] = [];
      const never = () => new Promise<never>(() => {});
      const client = await connectClient({ url: server.url, token }, kind, 30_000, {
        elicit: { answer: never, asked },
      });
      try {
        const call = client.callTool({ name: "delete_file", arguments: { path: file } }, { timeout: 30_000 });
        await expect.poll(() => asked.length, { timeout: 10_000 }).toBe(1);
        const exited = new Promise((resolve) => server.child.once("exit", resolve));
        server.child.kill("SIGTERM");
        expect(await call).toMatchObject({ isError: true, content: [{ type: "text", text: WITHDRAWN }] });
        expect(existsSync(path.join(tree.dir, file))).toBe(true);
        // The stop says so, rather than that calls were cut; the audit trail has been written out by then.
        await exited;
        expect(server.log.text).toMatch(/stopped and answered that the server is shutting down/);
        const calls = auditLines(audit).filter((entry) => entry.tool === "delete_file");
        expect(calls.map(({ outcome, reason }) => ({ outcome, reason }))).toEqual([
          { outcome: "asked", reason: null },
          { outcome: "error", reason: WITHDRAWN },
        ]);
      } finally {
        await client.close().catch(() => {});
        await server.stop();
      }
    },
    60_000,
  );
});
