import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useServers } from "../../core/test/built-server.js";
import { abortModernCall, auditedCall, cpuDuring, dropLegacyCall } from "../../core/test/cancel.js";
import { tempDir, textOf } from "./helpers.js";

// The shipped server over stateless HTTP: a search over a large tree stops within a second when its client
// cancels it, in either protocol era, and the server answers the next call at once.

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
// byte search, which reads the whole tree in well under the 1.3 s the cancel tests need a search to outlast.
const SEARCH = { pattern: "**/*.txt", content: "/[^;]*[;]/" };

describe("search_files over HTTP, cancelled", () => {
  it.each([
    ["a 2026-07-28 client aborts it", abortModernCall],
    ["a 2025-era client drops the connection", dropLegacyCall],
  ])(
    "stops within 1 s when %s; the next call is answered at once",
    async (_, cancel) => {
      const audit = path.join(logs.dir, `${cancel.name}.jsonl`);
      const server = await start("bin", "http", ["--root", tree.dir, "--audit-log", audit]);
      const { url, token, pid } = server as Required<typeof server>;
      await cancel(url, token, "search_files", SEARCH, 300);
      // The trail says the client cancelled it, and how far it had got: under half the tree's 30,000 files.
      const line = await auditedCall(audit, "search_files", SEARCH);
      expect(line).toMatchObject({ outcome: "cancelled" });
      const seen = Number(
        /^cancelled by the client after (\d+) entries; results are partial$/.exec(line.reason ?? "")?.[1],
      );
      expect(seen).toBeGreaterThan(0);
      expect(seen).toBeLessThan(15_000);
      // A second after the cancel, the server is idle: at most a few ticks over half a second, where a search that
      // still ran would burn most of it.
      await new Promise((r) => setTimeout(r, 1000));
      expect(await cpuDuring(pid, 500)).toBeLessThan(100);
      const started = Date.now();
      expect(textOf(await server.call("list_directory", { path: "d0" }))).toContain("f0.txt");
      expect(Date.now() - started).toBeLessThan(1000);
    },
    60_000,
  );

  // Without this the checks above could pass because the search had simply finished.
  it("would otherwise have run on: uncancelled, the same search takes longer than the 1.3 s measured above", async () => {
    const server = await start("bin", "http", ["--root", tree.dir]);
    const started = Date.now();
    expect(textOf(await server.call("search_files", SEARCH))).toMatch(/no matches/);
    expect(Date.now() - started).toBeGreaterThan(1300);
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
    expect(seen).toHaveLength(3);
    expect(seen.map((p) => p.progress)).toEqual([...seen.map((p) => p.progress)].sort((a, b) => a - b));
    expect(seen[0]?.message).toMatch(/^\d+ entries seen$/);
  }, 60_000);
});
