import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { auditedCall } from "../../core/test/audit-trail.js";
import { useServers } from "../../core/test/built-server.js";
import { abortModernCall, descendantsOf, dropLegacyCall } from "../../core/test/cancel.js";
import { dataOf, startAuditedOverHttp } from "./helpers.js";

// The shipped server over stateless HTTP: a runaway statement is stopped when its client cancels it, in either
// protocol era — the executor process running it is killed — and the server answers the next query.

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
    "is stopped when %s: audited as cancelled, its executor process gone, and the next query is answered",
    async (_, cancel) => {
      const { server, audit } = await startAuditedOverHttp(start, cleanups);
      const { url, token, pid } = server as Required<typeof server>;
      const executors = descendantsOf(pid);
      expect(executors.length).toBeGreaterThan(0);
      await cancel(url, token, "execute_query", { sql: ENDLESS }, 500);
      // The trail says the client cancelled it, in the server's words: the statement was stopped.
      expect(await auditedCall(audit, "execute_query", { sql: ENDLESS })).toMatchObject({
        outcome: "cancelled",
        reason: expect.stringMatching(/^execute_query failed: cancelled by the client and stopped/),
      });
      // The process that ran it has exited, not been left counting.
      await expect.poll(() => executors.filter((p) => existsSync(`/proc/${p}`)), { timeout: 30_000 }).toEqual([]);
      // The executor runs one statement at a time: a statement still counting would hold this query to the test's
      // own time limit.
      expect(dataOf(await server.call("execute_query", { sql: "SELECT count(*) AS n FROM items" }))).toMatchObject({
        rows: [[3]],
      });
    },
    60_000,
  );
});
