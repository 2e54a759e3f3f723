/**
 * What would make our cold starts fast? Builds our three servers' bundles with candidate changes applied in memory
 * (packages/ is only read), into a temp dir, and measures spawn → tools/list against the official server, interleaved:
 *   pnpm exec tsx --conditions=@mcp-toolkit/source bench/experiments/startup.ts [--runs 7] [--agent]
 * Variants, cumulative: shipped dist · lazy-http (core's barrel stops re-exporting http-server.ts) · en-only (zod
 * locales other than English dropped) · cjs (CommonJS bundle) · cached (cjs through a V8 code cache loader).
 * --agent also measures the agent's start → first Messages API request with the "cached" servers (via --config).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { coldStart, fixtureRoot } from "../figures/cold-start.js";
import { fixtureDb } from "../figures/execute-query.js";
import { runAgent } from "../lib/agent.js";
import type { BenchContext } from "../lib/figure.js";
import { officialFilesystem, ourFilesystem, ourHttp, ourSqlite, type ServerCommand } from "../lib/servers.js";
import { startStandIn } from "../lib/standin.js";
import { median } from "../lib/stats.js";

type Patch = [RegExp, (source: string) => string];
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { values } = parseArgs({ options: { runs: { type: "string", default: "7" }, agent: { type: "boolean" } } });
const esbuild = createRequire(join(root, "package.json"))("esbuild") as typeof import("esbuild");

const PATCHES: Record<string, Patch[]> = {
  "lazy-http": [
    [
      /core\/src\/index\.ts$/,
      (s) => s.replace(/export \{\s*createStatelessHandler[\s\S]*?\} from "\.\/http-server\.js";/, ""),
    ],
  ],
  "en-only": [[/zod\/v4\/locales\/index\.js$/, () => 'export { default as en } from "./en.js";']],
  cjs: [[/src\/cli\.ts$/, (s) => s.replace(/^await runServerCli/m, "void runServerCli")]],
};
const VARIANTS = ["shipped", "lazy-http", "en-only", "cjs", "cached"] as const;
type Variant = (typeof VARIANTS)[number];

// The boot file of "cached": run the CommonJS bundle through vm.Script with a V8 code cache next to it.
const CACHED_BOOT = `const fs = require("node:fs"), vm = require("node:vm"), Module = require("node:module"), path = require("node:path");
const file = path.join(__dirname, "cli.cjs"), cacheFile = file + "." + process.version + ".v8cache";
let cachedData; try { cachedData = fs.readFileSync(cacheFile); } catch {}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8").replace(/^#!.*/, "")), { filename: file, cachedData });
const mod = { exports: {} };
script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, __dirname);
if (!cachedData || script.cachedDataRejected) process.once("exit", () => { try { fs.writeFileSync(cacheFile, script.createCachedData()); } catch {} });
`;

/** Build `pkg` with the patches up to `variant`; returns the file to run with node. */
async function buildVariant(pkg: string, variant: Variant, out: string): Promise<string> {
  const upTo = VARIANTS.indexOf(variant);
  const patches = VARIANTS.slice(1, upTo + 1).flatMap((v) => PATCHES[v] ?? []);
  const cjs = upTo >= VARIANTS.indexOf("cjs");
  const pkgDir = join(root, "packages", pkg);
  const entries = [join(pkgDir, "src/cli.ts")];
  if (pkg === "sqlite") entries.push(join(pkgDir, "src/executor-child.ts"));
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: entries,
    absWorkingDir: pkgDir,
    outdir: out,
    bundle: true,
    platform: "node",
    target: "node20",
    format: cjs ? "cjs" : "esm",
    minify: true,
    conditions: ["@mcp-toolkit/source"],
    external: ["better-sqlite3"],
    nodePaths: [join(pkgDir, "node_modules")],
    logLevel: "error",
    outExtension: { ".js": cjs ? ".cjs" : ".mjs" },
    define: cjs ? { "import.meta.url": "__importMetaUrl" } : {},
    banner: {
      js: cjs
        ? 'const __importMetaUrl=require("node:url").pathToFileURL(__filename).href;'
        : "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
    plugins: [
      {
        name: "patch",
        setup(build) {
          build.onLoad({ filter: /\.(ts|js)$/ }, (args) => {
            const hits = patches.filter(([re]) => re.test(args.path));
            if (hits.length === 0) return undefined;
            const contents = hits.reduce((s, [, patch]) => patch(s), readFileSync(args.path, "utf8"));
            return { contents, loader: args.path.endsWith(".ts") ? "ts" : "js", resolveDir: dirname(args.path) };
          });
        },
      },
    ],
  });
  const ext = cjs ? "cjs" : "mjs";
  // The SQLite server forks ./executor-child.js next to its bundle.
  if (pkg === "sqlite") writeFileSync(join(out, "executor-child.js"), `import("./executor-child.${ext}");\n`);
  writeFileSync(join(out, "package.json"), JSON.stringify({ version: "0.0.0-experiment" }));
  if (variant !== "cached") return join(out, `cli.${ext}`);
  writeFileSync(join(out, "boot.cjs"), CACHED_BOOT);
  return join(out, "boot.cjs");
}

const tmp = mkdtempSync(join(tmpdir(), "mcp-startup-"));
const closers: (() => Promise<void>)[] = [];
const ctx = { root, tmp, quick: false, log: () => {}, runs: (n: number) => n } as unknown as BenchContext;
try {
  const commands: Record<string, (script?: string) => ServerCommand> = {
    filesystem: (script) => withScript(ourFilesystem(root, fixtureRoot(ctx)), script),
    sqlite: (script) => withScript(ourSqlite(root, fixtureDb(ctx)), script),
    http: (script) => withScript(ourHttp(root), script),
  };
  const cases: [string, () => Promise<number>][] = [
    ["official filesystem server", () => coldStart(officialFilesystem(root, fixtureRoot(ctx)))],
  ];
  const cached: Record<string, string> = {};
  for (const pkg of Object.keys(commands)) {
    for (const variant of VARIANTS) {
      // Every step for the filesystem server; shipped and all-steps for the other two.
      if (pkg !== "filesystem" && variant !== "shipped" && variant !== "cached") continue;
      const script = variant === "shipped" ? undefined : await buildVariant(pkg, variant, join(tmp, pkg, variant));
      if (variant === "cached" && script) {
        cached[pkg] = script;
        await coldStart(commands[pkg]?.(script) as ServerCommand); // writes the cache
      }
      cases.push([`${pkg} ${variant}`, () => coldStart(commands[pkg]?.(script) as ServerCommand)]);
    }
  }
  if (values.agent) {
    const workspace = join(tmp, "agent-ws");
    const config = join(tmp, "mcp.json");
    const server = (pkg: string, env: Record<string, string>) => ({
      command: process.execPath,
      args: [cached[pkg]],
      env,
    });
    writeFileSync(
      config,
      JSON.stringify({
        mcpServers: {
          file: server("filesystem", { MCP_WORKSPACE: workspace }),
          db: server("sqlite", { MCP_SQLITE_DB: join(workspace, "data.db") }),
          api: server("http", {}),
        },
      }),
    );
    const standIn = await startStandIn();
    closers.push(() => standIn.close());
    const agent = (args: string[]) => async () => {
      standIn.reset(() => ({ text: "done" }));
      const run = await runAgent(ctx, standIn.url, "hi", { args });
      const first = standIn.seen[0];
      if (!first) throw new Error(`the agent sent no request: ${run.tail}`);
      return first.at - run.startedAt;
    };
    cases.push(
      ["agent start, shipped servers", agent([])],
      // The built-in servers replaced by the cached builds: a replacement the agent wants spelled out.
      ["agent start, cached servers", agent(["--config", config, "--allow-replace-builtin"])],
    );
  }
  for (const [, run] of cases) await run();
  const results = new Map<string, number[]>();
  for (let i = 0; i < Number(values.runs); i++) {
    for (const [name, run] of i % 2 === 0 ? cases : [...cases].reverse()) {
      results.set(name, [...(results.get(name) ?? []), await run()]);
    }
  }
  const official = median(results.get("official filesystem server") ?? []);
  process.stdout.write("median ms (spawn → tools/list; agent: spawn → first Messages request), ratio to official\n");
  for (const [name] of cases) {
    const ms = median(results.get(name) ?? []);
    process.stdout.write(`${ms.toFixed(0).padStart(6)} ms  ${(ms / official).toFixed(2)}  ${name}\n`);
  }
} finally {
  for (const close of closers) await close();
  rmSync(tmp, { recursive: true, force: true });
}

function withScript(command: ServerCommand, script: string | undefined): ServerCommand {
  return script ? { ...command, args: [script] } : command;
}
