/**
 * `pnpm bench [--quick] [--only id,id] [--out FILE]`: our servers and agent against their peers, side by side,
 * interleaved, medians of several runs. Prints a table and writes bench/results/latest.json (quick.json for --quick).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { figures } from "./figures/index.js";
import { type BenchContext, type FigureResult, goalText, judge, Unavailable } from "./lib/figure.js";
import { formatTable, runInfo } from "./lib/report.js";
import { serverPool, sharedPool } from "./lib/servers.js";
import { pairedRatio } from "./lib/stats.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(
    `pnpm bench [--quick] [--only ${figures.map((f) => f.id).join(",")}] [--out FILE]\n` +
      "Runs every figure (ours vs peer, interleaved, medians), prints a table, writes bench/results/latest.json.\n",
  );
  process.exit(0);
}
const only = values.only ? new Set(values.only.split(",").map((s) => s.trim())) : null;
const unknown = [...(only ?? [])].filter((id) => !figures.some((f) => f.id === id));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown figure ${unknown.join(", ")}; known: ${figures.map((f) => f.id).join(", ")}\n`);
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), "mcp-bench-"));
const pool = serverPool();
const shared = sharedPool();
const ctx: BenchContext = {
  quick: values.quick,
  root,
  tmp,
  log: (message) => process.stderr.write(`bench: ${message}\n`),
  server: (command) => pool.get(command),
  shared: (key, start) => shared.get(key, start),
  runs: (full) => (values.quick ? 1 : full),
};
const info = runInfo(values.quick);
try {
  info.commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
} catch {
  // Not a git checkout: the commit is just left out.
}

/** Modification times of every built file the bench runs, to notice a rebuild during the run. */
function distStamp(): string {
  const files: string[] = [];
  for (const pkg of readdirSync(join(root, "packages"))) {
    const dist = join(root, "packages", pkg, "dist");
    if (!existsSync(dist)) continue;
    for (const file of readdirSync(dist, { recursive: true, encoding: "utf8" })) {
      if (/\.(c?js|cache)$/.test(file)) files.push(`${pkg}/${file}@${statSync(join(dist, file)).mtimeMs}`);
    }
  }
  return files.sort().join("\n");
}
const stampBefore = distStamp();

const started = performance.now();
const results: FigureResult[] = [];
try {
  for (const figure of figures) {
    if (only && !only.has(figure.id)) continue;
    ctx.log(`${figure.id}…`);
    const t0 = performance.now();
    const base = { id: figure.id, title: figure.title, unit: figure.unit, goal: goalText(figure.goal) };
    let result: FigureResult;
    try {
      const m = await figure.measure(ctx);
      const paired = m.samples && m.samples.ours.length === m.samples.peer.length ? pairedRatio(m.samples) : undefined;
      const ratio = paired?.ratio ?? m.ours / m.peer;
      result = {
        ...base,
        ours: m.ours,
        peer: m.peer,
        ratio,
        ...(paired ? { ratioIqr: [paired.q1, paired.q3] as [number, number], ratioOfMedians: m.ours / m.peer } : {}),
        pass: judge(figure.goal, ratio, m),
        ...(m.note ? { note: m.note } : {}),
        ...(m.samples ? { samples: m.samples } : {}),
        seconds: 0,
      };
    } catch (error) {
      const kind = error instanceof Unavailable ? "missing" : "error";
      const reason = (error as Error).message.split("\n")[0] ?? String(error);
      result = { ...base, ours: null, peer: null, ratio: null, pass: null, na: { kind, reason }, seconds: 0 };
    }
    result.seconds = Math.round((performance.now() - t0) / 100) / 10;
    results.push(result);
    ctx.log(`${figure.id} done in ${result.seconds} s${result.na ? ` — n/a (${result.na.reason})` : ""}`);
  }
} finally {
  await pool.closeAll();
  await shared.closeAll();
  rmSync(tmp, { recursive: true, force: true });
}
info.seconds = Math.round((performance.now() - started) / 100) / 10;
info.rebuiltDuringRun = distStamp() !== stampBefore;
info.loadavgEnd = loadavg().map((n) => Math.round(n * 100) / 100);

process.stdout.write(
  `\nmcp-toolkit bench — node ${info.node}, ${info.cpus} cpus (${info.cpuModel}), load ${info.loadavgStart.join(" ")}` +
    `${info.quick ? ", QUICK (few runs)" : ""}, ${info.seconds} s\n` +
    "ours, peer: medians of interleaved runs; ratio: median of the per-pair ratios ours/peer (IQR in brackets)\n\n" +
    `${formatTable(results)}\n`,
);
if (info.rebuiltDuringRun) {
  process.stdout.write(
    "\nWARNING: packages/*/dist changed during this run (a rebuild); figures may mix two builds — run it again.\n",
  );
}
const out = values.out ? resolve(values.out) : join(root, "bench/results", values.quick ? "quick.json" : "latest.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ info, results }, null, 2)}\n`);
process.stdout.write(`\nwrote ${out}\n`);
