import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { auditedCall } from "../../core/test/audit-trail.js";
import { useServers } from "../../core/test/built-server.js";
import { STOPPED_CALLS } from "../../core/test/shutdown-call.js";
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
