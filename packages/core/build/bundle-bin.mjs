// Builds a package's bin for fast cold starts; run from the package directory:
//   node ../core/build/bundle-bin.mjs [--external M]… [--extra src/x.ts]… [--warmup ARGS_JSON] [--warmup-mode mcp|exit]
//     [--warmup-env NAME=VALUE]…
// - src/cli.ts is bundled (CommonJS, minified) to dist/bundle.cjs, and dist/cli.js is a small launcher that runs it
//   from V8's code cache, dist/bundle.cache, made here by one representative run of the built bin;
// - zod's ~260 KB of non-English error locales are left out (zod configures English itself and nothing here picks
//   another locale), which cuts the bundle by a third;
// - each --extra entry (e.g. a child-process script) is bundled as its own ES module, dist/<name>.js.
// `--outdir DIR --sourcemap` builds elsewhere with a source map, e.g. for profiling.
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const { values } = parseArgs({
  options: {
    outdir: { type: "string", default: "dist" },
    sourcemap: { type: "boolean", default: false },
    external: { type: "string", multiple: true, default: [] },
    extra: { type: "string", multiple: true, default: [] },
    warmup: { type: "string", default: "[]" },
    "warmup-mode": { type: "string", default: "mcp" },
    "warmup-env": { type: "string", multiple: true, default: [] },
  },
});
const outdir = values.outdir;

const englishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: "zod-locales", namespace: "zod-english-only" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-english-only" }, () => ({ contents: "export {};", loader: "js" }));
  },
};

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  minify: true,
  conditions: ["@mcp-toolkit/source"],
  external: values.external,
  sourcemap: values.sourcemap,
  plugins: [englishOnly],
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: ["src/cli.ts"],
  outfile: path.join(outdir, "bundle.cjs"),
  format: "cjs",
  // The launcher passes the URL of dist/cli.js, so files beside it resolve as from an ES module.
  define: { "import.meta.url": "__bundleUrl" },
});
if (values.extra.length > 0) {
  await build({
    ...common,
    entryPoints: values.extra,
    outdir,
    format: "esm",
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
}
const cli = path.resolve(outdir, "cli.js");
copyFileSync(fileURLToPath(new URL("launcher.mjs", import.meta.url)), cli);
rmSync(path.join(outdir, "cli.js.map"), { force: true }); // tsc's map of src/cli.ts does not match the launcher
rmSync(path.join(outdir, "bundle.cache"), { force: true });
const warmupEnv = Object.fromEntries(
  values["warmup-env"].map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
);
await makeCodeCache(cli, JSON.parse(values.warmup), values["warmup-mode"], warmupEnv);

/**
 * Run the built bin once so the launcher saves V8's code cache: as an MCP server (initialize, tools/list, then
 * stdin closes) or as a command that exits by itself. `{tmp}` in the arguments becomes a scratch directory.
 */
async function makeCodeCache(bin, args, mode, extraEnv) {
  const tmp = mkdtempSync(path.join(tmpdir(), "mcp-toolkit-build-"));
  try {
    const child = spawn(process.execPath, [bin, ...args.map((a) => a.replaceAll("{tmp}", tmp))], {
      cwd: tmp,
      env: { ...process.env, ...extraEnv, MCP_TOOLKIT_BUILD_CODE_CACHE: "1", MCP_LOG_LEVEL: "silent" },
      stdio: mode === "mcp" ? ["pipe", "pipe", "inherit"] : ["ignore", "pipe", "ignore"],
    });
    if (mode === "mcp") {
      const send = (message) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
      send({
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "build", version: "0" } },
      });
      send({ method: "notifications/initialized" });
      send({ id: 2, method: "tools/list" });
      let output = "";
      child.stdout.on("data", (chunk) => {
        output += chunk;
        if (output.includes('"id":2')) child.stdin.end();
      });
    } else {
      child.stdout.resume();
    }
    const timer = setTimeout(() => child.kill(), 15_000);
    const code = await new Promise((resolve) => child.on("exit", resolve));
    clearTimeout(timer);
    if (code !== 0 && mode === "mcp")
      console.warn(`build: code cache not made (${bin} exited ${code}); the bin works, it just starts slower`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
