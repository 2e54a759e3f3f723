import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect, it } from "vitest";
import { AuditLog } from "../src/audit.js";
import { JsonRenderer } from "../src/json-renderer.js";
import { ServerPool } from "../src/servers.js";
import { formatSummary, RunStats } from "../src/summary.js";
import { ToolCatalog } from "../src/tool-catalog.js";
import { ToolRunner } from "../src/tool-runner.js";
import { FIXTURE } from "./fixtures/harness.js";
import { waitUntil } from "./fixtures/procs.js";

/** A runner over the fixture server "fx", with what it reports to: its renderer, stats and audit log (in a temp file). */
async function fixtureRunner(pool: ServerPool) {
  const spec = { kind: "stdio" as const, name: "fx", command: process.execPath, args: [FIXTURE], env: {} };
  expect(await pool.start([{ ...spec, builtin: false }])).toEqual([]);
  const auditFile = join(mkdtempSync(join(tmpdir(), "agent-audit-")), "audit.jsonl");
  const audit = new AuditLog(auditFile, () => {});
  const renderer = new JsonRenderer(new PassThrough());
  const stats = new RunStats();
  const catalog = new ToolCatalog(
    pool.tools,
    { readOnly: false, ask: false },
    { builtin: new Set(), toolSearch: "off" },
  );
  const runner = new ToolRunner({
    catalog,
    pool,
    renderer,
    stats,
    audit,
    confirm: undefined,
    toolTimeoutMs: 30_000,
    outputBudgetTokens: 1000,
  });
  return { runner, renderer, stats, audit, auditFile };
}

it("a call the user interrupts is still in the audit log and the summary, as interrupted", async () => {
  const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  try {
    const { runner, renderer, stats, audit, auditFile } = await fixtureRunner(pool);
    const controller = new AbortController();
    const running = runner.run(
      { type: "tool_use", id: "toolu_1", name: "fx__slow", input: { ms: 60_000 }, caller: undefined } as never,
      controller.signal,
    );
    running.catch(() => {});
    expect(await waitUntil(() => renderer.events.some((e) => e.type === "tool_call"))).toBe(true);
    controller.abort();
    await expect(running).rejects.toThrow();
    await audit.flush();
    const lines = readFileSync(auditFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({
        server: "fx",
        tool: "slow",
        ok: false,
        error: "stopped: the user interrupted this call",
      }),
    ]);
    expect(formatSummary(stats, "claude-sonnet-5-5")).toMatch(/fx__slow: 1 call, 1 error \(interrupted\)/);
  } finally {
    await pool.close();
  }
});

it("runs a reply's many calls at once without Node's listener-leak warning", async () => {
  const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on("warning", onWarning);
  try {
    const { runner } = await fixtureRunner(pool);
    const calls = Array.from({ length: 16 }, (_, i) => ({
      type: "tool_use",
      id: `toolu_${i}`,
      name: "fx__slow",
      input: { ms: 200 },
      caller: undefined,
    }));
    const results = await runner.runAll(calls as never, new AbortController().signal);
    expect(results.map((r) => r.is_error ?? false)).toEqual(calls.map(() => false));
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  } finally {
    process.off("warning", onWarning);
    await pool.close();
  }
});

it("shows a call's error with the URL secrets it quotes redacted, as the audit log records it, and tells the model as is", async () => {
  const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  try {
    const { runner, renderer, audit, auditFile } = await fixtureRunner(pool);
    const url = "https://ann:pw5ecret@127.0.0.1:9/x?accesstoken=acc355&q=1";
    const result = await runner.run(
      { type: "tool_use", id: "toolu_1", name: "fx__echo", input: url, caller: undefined } as never,
      new AbortController().signal,
    );
    const shown =
      'fx__echo takes a JSON object of arguments, got "https://[redacted]@127.0.0.1:9/x?accesstoken=[redacted]&q=1"';
    expect(renderer.events).toContainEqual(expect.objectContaining({ type: "tool_result", ok: false, text: shown }));
    await audit.flush();
    expect(JSON.parse(readFileSync(auditFile, "utf8"))).toMatchObject({ ok: false, error: shown });
    expect(result.content).toEqual([{ type: "text", text: `fx__echo takes a JSON object of arguments, got "${url}"` }]);
  } finally {
    await pool.close();
  }
});
