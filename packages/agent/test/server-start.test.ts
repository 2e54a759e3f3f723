// Starting a stdio server that never answers: one process, one --startup-timeout, and a failure that says so.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerSpec } from "../src/config.js";
import { ServerPool } from "../src/servers.js";

let pool: ServerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** A stdio "server" that notes each start in a file, optionally prints `stdout` first, and then never answers. */
function silentServer(stdout = ""): { spec: ServerSpec; starts: () => number } {
  const dir = mkdtempSync(join(tmpdir(), "agent-silent-"));
  const startsFile = join(dir, "starts");
  writeFileSync(startsFile, "");
  const script = join(dir, "server.mjs");
  writeFileSync(
    script,
    `import { appendFileSync } from "node:fs";
appendFileSync(${JSON.stringify(startsFile)}, "start\\n");
${stdout ? `process.stdout.write(${JSON.stringify(stdout)});` : ""}
setInterval(() => {}, 1000);
`,
  );
  const spec: ServerSpec = {
    kind: "stdio",
    name: "silent",
    command: process.execPath,
    args: [script],
    env: {},
    builtin: false,
  };
  return { spec, starts: () => readFileSync(startsFile, "utf8").split("\n").filter(Boolean).length };
}

describe("a stdio server that never answers", () => {
  it("is spawned once: a start-up timeout is final, not retried the 2025 way", async () => {
    const { spec, starts } = silentServer();
    pool = new ServerPool({ startupTimeoutMs: 3000, env: { PATH: process.env.PATH } });
    const failures = await pool.start([spec]);
    expect(failures.map((f) => f.line)).toEqual([expect.stringContaining("no answer within 3000 ms")]);
    expect(starts()).toBe(1);
  });

  it("that printed lines of text to stdout first: the failure counts them, quotes the first and says servers log to stderr", async () => {
    const { spec } = silentServer('Server starting on stdio...\n{"level":"info","msg":"ready"}\n');
    pool = new ServerPool({ startupTimeoutMs: 3000, env: { PATH: process.env.PATH } });
    const failures = await pool.start([spec]);
    expect(failures.map((f) => f.line)).toEqual([
      expect.stringMatching(
        /: no answer within 3000 ms — it wrote 2 lines that are not JSON-RPC to stdout, e\.g\. "Server starting on stdio\.\.\."; MCP servers must log to stderr$/,
      ),
    ]);
  });
});
