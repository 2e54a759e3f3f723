import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditedCall } from "../../core/test/audit-trail.js";
import { useServers } from "../../core/test/built-server.js";
import { abortModernCall, dropLegacyCall } from "../../core/test/cancel.js";
import { tempDir, textOf } from "./helpers.js";

// The shipped server over stateless HTTP: a search over a large tree stops when its client cancels it, in either
// protocol era, and the server answers the next call. The audit trail is the evidence: the search's line is written
// when it stops, saying how many entries it had seen.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);

/** 30,000 files of 2 kB in 30 folders: a content search reads them all, which takes seconds. */
const tree = tempDir("fs-cancel-");
beforeAll(() => {
  const text = "lorem ipsum dolor sit amet, consectetur adipiscing elit\n".repeat(36);
  for (let d = 0; d < 30; d++) {
    mkdirSync(path.join(tree.dir, `d${d}`));
    for (let f = 0; f < 1000; f++) writeFileSync(path.join(tree.dir, `d${d}`, `f${f}.txt`), text);
  }
});
/** The servers' audit trails, outside the tree they search. */
const logs = tempDir("fs-cancel-audit-");
afterAll(() => {
  tree.cleanup();
  logs.cleanup();
});

// A regex with no text every match must hold (so no file is skipped unread) that scans to each line's end from every
// position before failing: seconds over this tree. Plain text, or a regex with a required literal, is found by a
// byte search, which can read the whole tree before the cancel comes (and the cancel helpers then fail).
const SEARCH = { pattern: "**/*.txt", content: "/[^;]*[;]/" };

describe("search_files over HTTP, cancelled", () => {
  it.each([
    ["a 2026-07-28 client aborts it", abortModernCall],
    ["a 2025-era client drops the connection", dropLegacyCall],
  ])(
    "stops when %s, audited as cancelled after under half the tree; the next call is answered",
    async (_, cancel) => {
      const audit = path.join(logs.dir, `${cancel.name}.jsonl`);
      const server = await start("bin", "http", ["--root", tree.dir, "--audit-log", audit]);
      const { url, token } = server as Required<typeof server>;
      // Throws if the search answered before the cancel: then there would be nothing to stop.
      await cancel(url, token, "search_files", SEARCH, 300);
      // The trail says the client cancelled it, and how far it had got: under half the tree's 30,000 files.
      const line = await auditedCall(audit, "search_files", SEARCH);
      expect(line).toMatchObject({ outcome: "cancelled" });
      const seen = Number(
        /^cancelled by the client after (\d+) entries; results are partial$/.exec(line.reason ?? "")?.[1],
      );
      expect(seen).toBeGreaterThan(0);
      expect(seen).toBeLessThan(15_000);
      expect(textOf(await server.call("list_directory", { path: "d0" }))).toContain("f0.txt");
    },
    60_000,
  );

  // Without this, "cancelled" could be what every search over HTTP is audited as.
  it("uncancelled, the same search is audited ok and goes through the whole tree", async () => {
    const audit = path.join(logs.dir, "uncancelled.jsonl");
    const server = await start("bin", "http", ["--root", tree.dir, "--audit-log", audit]);
    const result = await server.call("search_files", SEARCH);
    // No stop note: every file was read, and none matched.
    expect(textOf(result)).toBe('[no matches for "**/*.txt" containing "/[^;]*[;]/"]');
    expect(result.structuredContent).toMatchObject({ truncated: false });
    expect(await auditedCall(audit, "search_files", SEARCH)).toMatchObject({ outcome: "ok", reason: null });
  }, 60_000);
});

describe("search_files progress", () => {
  it("reaches a client that sent a progress token: entries seen, increasing", async () => {
    const server = await start("bin", "http", ["--root", tree.dir]);
    const seen: { progress: number; message?: string }[] = [];
    const enough = new AbortController();
    const call = server.client.callTool(
      { name: "search_files", arguments: SEARCH },
      {
        signal: enough.signal,
        timeout: 120_000,
        onprogress: (p) => {
          if (seen.push(p) === 3) enough.abort();
        },
      },
    );
    await call.catch(() => undefined);
    // The first comes after 1 s, then one every 500 ms: a search over a warm cache may end before the third.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(3);
    expect(seen.map((p) => p.progress)).toEqual([...seen.map((p) => p.progress)].sort((a, b) => a - b));
    expect(seen[0]?.message).toMatch(/^\d+ entries seen(, \d+ lines searched)?$/);
  }, 60_000);
});
