import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { useServers } from "../../core/test/built-server.js";
import { abortModernCall, auditedCall, cpuDuring, dropLegacyCall } from "../../core/test/cancel.js";
import { dataOf, seedDatabase, tempDir } from "./helpers.js";

// The shipped server over stateless HTTP: a runaway statement stops within a second when its client cancels it, in
// either protocol era (its executor process is killed), and the server answers the next query at once.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Counts forever: only a kill stops it (the time limit is raised to a minute so that the cancel is what does). */
const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

describe("a runaway query over HTTP, cancelled", () => {
  it.each([
    ["a 2026-07-28 client aborts it", abortModernCall],
    ["a 2025-era client drops the connection", dropLegacyCall],
  ])(
    "stops within 1 s when %s; the next query is answered at once",
    async (_, cancel) => {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      const path = join(dir, "data.db");
      seedDatabase(path);
      const audit = join(dir, "audit.jsonl");
      const server = await start("bin", "http", ["--db", path, "--timeout-ms", "60000", "--audit-log", audit]);
      const { url, token, pid } = server as Required<typeof server>;
      // A first query makes sure the executor process is up, so the cancelled statement is running, not queued.
      expect(dataOf(await server.call("execute_query", { sql: "SELECT 1 AS one" }))).toMatchObject({ rows: [[1]] });
      await cancel(url, token, "execute_query", { sql: ENDLESS }, 500);
      // The trail says the client cancelled it, in the server's words: the statement was stopped.
      expect(await auditedCall(audit, "execute_query", { sql: ENDLESS })).toMatchObject({
        outcome: "cancelled",
        reason: expect.stringMatching(/^execute_query failed: cancelled by the client and stopped/),
      });
      await new Promise((r) => setTimeout(r, 1000));
      // The server and whatever it runs are idle: the statement's process was killed, not left counting.
      expect(await cpuDuring(pid, 500)).toBeLessThan(100);
      const started = Date.now();
      expect(dataOf(await server.call("execute_query", { sql: "SELECT count(*) AS n FROM items" }))).toMatchObject({
        rows: [[3]],
      });
      expect(Date.now() - started).toBeLessThan(1500);
    },
    60_000,
  );
});
