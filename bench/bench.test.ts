import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { figures } from "./figures/index.js";
import type { FigureResult } from "./lib/figure.js";

// A smoke test of `pnpm bench --quick`: every figure is measured and reported with a number. It judges no timings.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "bench-smoke-"));
const out = join(dir, "quick.json");
let stdout = "";
let results: FigureResult[] = [];

beforeAll(async () => {
  stdout = await new Promise<string>((resolvePromise, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "--conditions=@mcp-toolkit/source", "bench/run.ts", "--quick", "--out", out],
      { cwd: root, timeout: 60_000, maxBuffer: 4 * 1024 * 1024 },
      (error, stdoutText, stderrText) =>
        error ? reject(new Error(`${error.message}\n${stderrText}`)) : resolvePromise(stdoutText),
    );
  });
  results = (JSON.parse(readFileSync(out, "utf8")) as { results: FigureResult[] }).results;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pnpm bench --quick", () => {
  test("reports every figure, in the table and in the JSON", () => {
    expect(results.map((r) => r.id)).toEqual(figures.map((f) => f.id));
    for (const figure of figures) expect(stdout).toContain(figure.title);
  });

  test.for(figures.map((f) => f.id))("%s has numbers for both sides and a ratio", (id, { skip }) => {
    const result = results.find((r) => r.id === id);
    // A tool or bin that has not landed yet is reported as n/a, not as a harness failure.
    if (result?.na?.kind === "missing") skip(`n/a: ${result.na.reason}`);
    expect(result?.na).toBeUndefined();
    for (const value of [result?.ours, result?.peer, result?.ratio]) {
      expect(typeof value).toBe("number");
      expect(Number.isFinite(value)).toBe(true);
    }
    expect(result?.ours).toBeGreaterThan(0);
    expect(result?.peer).toBeGreaterThan(0);
  });
});
