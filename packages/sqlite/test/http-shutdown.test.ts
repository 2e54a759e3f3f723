import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { auditedCall } from "../../core/test/audit-trail.js";
import { useServers } from "../../core/test/built-server.js";
import { STOPPED_CALLS } from "../../core/test/shutdown-call.js";
import { startAuditedOverHttp } from "./helpers.js";

// The shipped server over stateless HTTP, stopped (SIGTERM, as a rolling restart sends it) while a statement runs
// past the drain deadline: the statement is stopped and its client is answered that the server is shutting down —
// before the connection is cut, so it can retry on another replica — in either protocol era; the audit line agrees.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Counts forever: only the shutdown stops it (the time limit is raised to a minute). */
const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
const SHUTTING_DOWN =
  "execute_query failed: the server is shutting down; nothing was changed: call again (another instance may answer)";

describe("a statement still running when the server stops", () => {
  it.each(STOPPED_CALLS)(
    "is answered that the server is shutting down, for %s, and audited so",
    async (_, call) => {
      const { server, audit } = await startAuditedOverHttp(start, cleanups);
      const result = await call(server, "execute_query", { sql: ENDLESS });
      expect(result).toMatchObject({ isError: true, content: [{ type: "text", text: SHUTTING_DOWN }] });
      expect(await auditedCall(audit, "execute_query", { sql: ENDLESS })).toMatchObject({
        outcome: "error",
        reason: SHUTTING_DOWN,
      });
    },
    60_000,
  );
});
