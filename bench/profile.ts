/**
 * CPU profiles of our servers, attributed to source files and packages:
 *   pnpm exec tsx --conditions=@mcp-toolkit/source bench/profile.ts <scenario> [--calls N]
 * Scenarios: startup-filesystem, startup-sqlite, startup-http, read_file, execute_query, http_get, search_files (the
 * search-files-rg figure's grep of 20,000 files, --calls 10 unless given), and agent (the agent CLI against an
 * instant Messages API stand-in, --calls tool turns of file__list_directory).
 * HTTP mode under load (the http-load figures' clients, for --seconds, in --era): http-read_file and
 * http-execute_query profile our server, http-floor the SDK's own stateless server (bench/peers/sdk-stateless.mjs).
 * --inclusive adds time by function with what it calls (where a whole step's cost goes). The shipped dist bundle is
 * profiled; a byte-identical rebuild with a source map (in a temp dir) maps it back.
 */
import { execSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { fixtureRoot } from "./figures/cold-start.js";
import { fixtureDb } from "./figures/execute-query.js";
import { upstream } from "./figures/http-get.js";
import { EXECUTE_QUERY_CALL, FLOOR_CALL, READ_FILE_CALL } from "./figures/http-load.js";
import { runAgent } from "./lib/agent.js";
import { type Attribution, sourceMapper, summarize } from "./lib/cpuprofile.js";
import type { BenchContext } from "./lib/figure.js";
import { type Era, LOAD_CLIENTS, startDriver, startFloor, startOurHttp } from "./lib/http-load.js";
import { connect, listTools, ourFilesystem, ourHttp, ourSqlite, type ServerCommand } from "./lib/servers.js";
import { startStandIn } from "./lib/standin.js";
import { median, quantile, timeCalls } from "./lib/stats.js";
import { NEEDLE, textTree } from "./lib/tree.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    calls: { type: "string" },
    top: { type: "string", default: "25" },
    seconds: { type: "string", default: "10" },
    era: { type: "string", default: "2026-07-28" },
    inclusive: { type: "boolean", default: false },
  },
});
const scenario = positionals[0] ?? "";
const pkgOf: Record<string, string> = {
  "startup-filesystem": "filesystem",
  "startup-sqlite": "sqlite",
  "startup-http": "http",
  read_file: "filesystem",
  execute_query: "sqlite",
  http_get: "http",
  search_files: "filesystem",
  agent: "agent",
  "http-read_file": "filesystem",
  "http-execute_query": "sqlite",
  "http-floor": "core",
};
const pkg = pkgOf[scenario];
if (!pkg) {
  process.stderr.write(`usage: bench/profile.ts <${Object.keys(pkgOf).join("|")}> [--calls N] [--top N]\n`);
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), "mcp-profile-"));
const ctx = { root, tmp, quick: false, log: () => {} } as unknown as BenchContext;
const profDir = join(root, "bench/results/profiles", scenario);
rmSync(profDir, { recursive: true, force: true });
mkdirSync(profDir, { recursive: true });

/**
 * Rebuild the package's bundle with a source map, as its build script does (a plain esbuild command, or core's
 * bundle-bin.mjs with --outdir/--sourcemap), and map only the files that match dist/ byte for byte.
 */
function mappers(): ((frame: Parameters<ReturnType<typeof sourceMapper>>[0]) => Attribution | null)[] {
  const pkgDir = join(root, "packages", pkg as string);
  const script = (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).scripts?.build ?? "") as string;
  const last = script.split("&&").at(-1)?.trim() ?? "";
  const out = join(tmp, "map");
  let command: string;
  if (last.includes("bundle-bin.mjs")) command = `${last} --outdir ${out} --sourcemap`;
  else if (last.startsWith("esbuild ")) {
    command = `${last.replace("--outfile=dist/", `--outfile=${out}/`).replace("--outdir=dist", `--outdir=${out}`)} --sourcemap --log-level=error`;
  } else {
    process.stderr.write(`profile: cannot tell how ${pkg} builds its bundle; frames stay unmapped\n`);
    return [];
  }
  execSync(command, {
    cwd: pkgDir,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, PATH: `${join(root, "node_modules/.bin")}:${process.env.PATH}` },
  });
  const files = readdirSync(out, { recursive: true, encoding: "utf8" }).filter((f) => /\.c?js$/.test(f));
  const result = [];
  for (const file of files) {
    const shipped = join(pkgDir, "dist", file);
    const strip = (text: string) => text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n").trimEnd();
    if (!existsSync(join(out, `${file}.map`))) continue;
    if (!existsSync(shipped) || strip(readFileSync(shipped, "utf8")) !== strip(readFileSync(join(out, file), "utf8"))) {
      process.stderr.write(
        `profile: dist/${file} differs from a fresh build (run pnpm build); its frames stay unmapped\n`,
      );
      continue;
    }
    // A bundle run through vm.Script (a code-cache launcher) reports its plain path instead of a file: URL.
    for (const url of [pathToFileURL(shipped).href, shipped]) result.push(sourceMapper(url, join(out, `${file}.map`)));
  }
  return result;
}

const profiling = ["--cpu-prof", `--cpu-prof-dir=${profDir}`, "--cpu-prof-interval=100"];
function withProfiling(command: ServerCommand): ServerCommand {
  // The server process only: the SQLite executor child is forked with its own (empty) execArgv.
  return { ...command, nodeArgs: profiling };
}

// A grep of 20,000 files takes half a second: ten make a profile, where the small calls need thousands.
let calls = Number(values.calls ?? (scenario === "search_files" ? 10 : 3000));
// The floor is not one of our bundles: its frames are node_modules files already.
const maps = scenario === "http-floor" ? [] : mappers();
const started = performance.now();
if (scenario.startsWith("startup-")) {
  const command =
    pkg === "filesystem"
      ? ourFilesystem(root, fixtureRoot(ctx))
      : pkg === "sqlite"
        ? ourSqlite(root, fixtureDb(ctx))
        : ourHttp(root);
  const conn = await connect(withProfiling(command));
  await listTools(conn, command.label);
  await conn.close();
} else if (scenario === "read_file") {
  const conn = await connect(withProfiling(ourFilesystem(root, fixtureRoot(ctx))));
  await timeCalls(calls, 1, () => conn.client.callTool({ name: "read_file", arguments: { path: "bench-1k.txt" } }));
  await conn.close();
} else if (scenario === "search_files") {
  const tree = textTree(join(tmp, "scale-text"), 20_000, 10_240);
  const conn = await connect(withProfiling(ourFilesystem(root, tree.root)));
  const args = { pattern: "**/*.txt", content: NEEDLE };
  await timeCalls(calls, 1, () => conn.client.callTool({ name: "search_files", arguments: args }));
  await conn.close();
} else if (scenario === "execute_query") {
  const conn = await connect(withProfiling(ourSqlite(root, fixtureDb(ctx))));
  const args = { sql: "SELECT id, name, score FROM items WHERE id = ?", params: [42] };
  await timeCalls(calls, 1, () => conn.client.callTool({ name: "execute_query", arguments: args }));
  await conn.close();
} else if (scenario.startsWith("http-")) {
  const era = values.era as Era;
  const target =
    scenario === "http-floor"
      ? await startFloor(root, profiling)
      : await startOurHttp(
          root,
          withProfiling(pkg === "sqlite" ? ourSqlite(root, fixtureDb(ctx)) : ourFilesystem(root, fixtureRoot(ctx))),
        );
  const call = scenario === "http-floor" ? FLOOR_CALL : pkg === "sqlite" ? EXECUTE_QUERY_CALL : READ_FILE_CALL;
  const driver = startDriver(root);
  await driver.connect(target, era, LOAD_CLIENTS);
  const run = await driver.run(target, era, call, Number(values.seconds) * 1000);
  calls = run.latencies.length;
  process.stdout.write(
    `${calls} calls in ${run.elapsedMs.toFixed(0)} ms (${((calls / run.elapsedMs) * 1000).toFixed(0)} calls/s), ` +
      `${LOAD_CLIENTS} clients, ${era}; p50 ${quantile(run.latencies, 0.5).toFixed(1)} ms, ` +
      `p99 ${quantile(run.latencies, 0.99).toFixed(1)} ms\n`,
  );
  await driver.close();
  await target.close();
} else if (scenario === "agent") {
  const standIn = await startStandIn();
  standIn.reset((index) =>
    index < calls ? { tool: { name: "file__list_directory", input: { path: "." } } } : { text: "done" },
  );
  const run = await runAgent(ctx, standIn.url, "List the files.", { nodeArgs: profiling, timeoutMs: 120_000 });
  const seen = standIn.seen;
  const gaps = seen.slice(1).map((r, i) => r.at - (seen[i] as (typeof seen)[number]).repliedAt);
  process.stdout.write(
    `agent exit ${run.code}; ${seen.length} requests; first at ${((seen[0]?.at ?? 0) - run.startedAt).toFixed(0)} ms; ` +
      `median gap per tool turn ${median(gaps).toFixed(1)} ms\n`,
  );
  await standIn.close();
} else {
  const up = await upstream();
  const conn = await connect(withProfiling(ourHttp(root)));
  await timeCalls(calls, 1, () => conn.client.callTool({ name: "http_get", arguments: { url: up.url } }));
  await conn.close();
  await up.close();
}
const wall = performance.now() - started;

const top = Number(values.top);
const map = (frame: Parameters<(typeof maps)[number]>[0]) => {
  for (const m of maps) {
    const hit = m(frame);
    if (hit) return hit;
  }
  return null;
};
const pct = (ms: number, total: number) => `${((ms / total) * 100).toFixed(1).padStart(5)}%`;
for (const file of readdirSync(profDir).filter((f) => f.endsWith(".cpuprofile"))) {
  const s = summarize(join(profDir, file), map);
  const perCall = scenario.startsWith("startup-")
    ? ""
    : `, ${((s.totalMs / calls) * 1000).toFixed(0)} µs CPU-sampled per call`;
  process.stdout.write(
    `\n== ${scenario}: ${file} — ${s.totalMs.toFixed(0)} ms sampled of ${wall.toFixed(0)} ms wall${perCall}\n`,
  );
  process.stdout.write("-- by package\n");
  for (const [k, ms] of s.byBucket.slice(0, 14))
    process.stdout.write(`${ms.toFixed(1).padStart(8)} ms ${pct(ms, s.totalMs)}  ${k}\n`);
  process.stdout.write("-- by function (self time)\n");
  for (const [k, ms] of s.byFn.slice(0, top))
    process.stdout.write(`${ms.toFixed(1).padStart(8)} ms ${pct(ms, s.totalMs)}  ${k}\n`);
  if (values.inclusive) {
    process.stdout.write("-- by function (inclusive: with what it calls)\n");
    for (const [k, ms] of s.inclusive.filter(([k]) => !k.startsWith("(root)")).slice(0, top))
      process.stdout.write(`${ms.toFixed(1).padStart(8)} ms ${pct(ms, s.totalMs)}  ${k}\n`);
  }
}
process.stdout.write(`\nprofiles in ${profDir} (open in Chrome DevTools › Performance)\n`);
rmSync(tmp, { recursive: true, force: true });
