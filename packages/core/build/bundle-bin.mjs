// Builds a package's bin for fast cold starts; run from the package directory:
//   node ../core/build/bundle-bin.mjs [--external M]… [--extra src/x.ts]… [--warmup ARGS_JSON] [--warmup-mode mcp|exit]
//     [--warmup-env NAME=VALUE]… [--snapshot]
// - src/cli.ts is bundled (CommonJS, minified) to dist/bundle.cjs, and dist/cli.cjs is a small launcher that runs it
//   from V8's code cache, dist/bundle.cache, made here by one representative run of the built bin;
// - zod's ~260 KB of non-English error locales are left out (zod configures English itself and nothing here picks
//   another locale), which cuts the bundle by a third;
// - every import() in the program becomes a lazy require() (the launcher's vm.Script has no module loader), and the
//   build fails if one is left (build/dynamic-imports.mjs);
// - the SDK's Ajv validator loads on its first use, not at every start (build/lazy-ajv.mjs);
// - each --extra entry (e.g. a child-process script) is bundled as its own ES module, dist/<name>.js;
// - --snapshot (servers) also makes dist/snapshot.blob, a V8 startup snapshot with the bundle's modules already
//   loaded, and dist/snapshot.json, the Node.js it fits; the agent starts built-in servers from it (see
//   agent/src/snapshot.ts). Only `node --snapshot-blob` can use it, with the same Node version and no V8 flags.
// `--outdir DIR --sourcemap` builds elsewhere with a source map, e.g. for profiling; `--entry FILE` bundles another
// program than src/cli.ts the same way (the bench's SDK floor server).
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { assertNoDynamicImports } from "./dynamic-imports.mjs";
import { lazyAjv } from "./lazy-ajv.mjs";

const { values } = parseArgs({
  options: {
    outdir: { type: "string", default: "dist" },
    sourcemap: { type: "boolean", default: false },
    external: { type: "string", multiple: true, default: [] },
    extra: { type: "string", multiple: true, default: [] },
    warmup: { type: "string", default: "[]" },
    "warmup-mode": { type: "string", default: "mcp" },
    "warmup-env": { type: "string", multiple: true, default: [] },
    snapshot: { type: "boolean", default: false },
    entry: { type: "string", default: "src/cli.ts" },
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

// OpenTelemetry's SDK and prom-client are loaded only when telemetry is asked for (core's telemetry.ts, metrics.ts), so
// they stay out of the bundle: bundled, their ~400 KB cost every start ~6 ms just to read, used or not. Each bin
// package lists them as dependencies, and they are required from its node_modules when first needed. The small
// @opentelemetry/api stays in: the Anthropic SDK requires it as it loads.
const LAZY_EXTERNALS = [
  "@opentelemetry/core",
  "@opentelemetry/resources",
  "@opentelemetry/sdk-*",
  "@opentelemetry/exporter-*",
  "@opentelemetry/propagator-*",
  "prom-client",
];

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  minify: true,
  conditions: ["@mcp-toolkit/source"],
  external: [...values.external, ...LAZY_EXTERNALS],
  sourcemap: values.sourcemap,
  plugins: [englishOnly, lazyAjv],
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: [values.entry],
  outfile: path.join(outdir, "bundle.cjs"),
  format: "cjs",
  // The launcher passes the URL of dist/cli.cjs, so files beside it resolve as from an ES module.
  define: { "import.meta.url": "__bundleUrl" },
  // The launcher runs the bundle as a script (vm.Script), where import() has no loader to call: lower each one to
  // require(), which loads built-ins and packages alike, still lazily.
  supported: { "dynamic-import": false },
});
// Refuse a bundle that would still fail at its first import(), rather than ship it.
await assertNoDynamicImports(readFileSync(path.join(outdir, "bundle.cjs"), "utf8"), path.join(outdir, "bundle.cjs"));
if (values.extra.length > 0) {
  await build({
    ...common,
    entryPoints: values.extra,
    outdir,
    format: "esm",
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
}
const cli = path.resolve(outdir, "cli.cjs");
copyFileSync(fileURLToPath(new URL("launcher.cjs", import.meta.url)), cli);
// tsc's unbundled dist/cli.js would be a second, slower way to start the same program: the launcher is the bin.
for (const file of ["cli.js", "cli.js.map", "cli.d.ts", "cli.d.ts.map"])
  rmSync(path.join(outdir, file), { force: true });
rmSync(path.join(outdir, "bundle.cache"), { force: true });
rmSync(path.join(outdir, "snapshot.blob"), { force: true });
rmSync(path.join(outdir, "snapshot.json"), { force: true });
const warmupEnv = Object.fromEntries(
  values["warmup-env"].map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
);
await makeCodeCache(cli, JSON.parse(values.warmup), values["warmup-mode"], warmupEnv);
if (values.snapshot) await makeSnapshot(path.resolve(outdir), JSON.parse(values.warmup));

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

/**
 * Make dist/snapshot.blob: `node --build-snapshot` runs the bundle, whose modules load; runServerCli sees the build,
 * warms a server up in memory with the warm-up arguments (core/src/snapshot.ts) and defers the real server to each
 * process started from the blob; then V8 saves the heap, compiled code included. Where the bundle lives and
 * how it loads packages are read again in each started process, from its --snapshot-blob argument, so a moved
 * package still works. The build gets an empty environment and a scratch cwd: nothing of this machine's state is
 * frozen into the blob. (Nothing may draw randomness while the snapshot is made: crypto.randomUUID's buffer would
 * be saved and repeat in every process.) On failure the bin still works and the agent uses it instead.
 */
async function makeSnapshot(dist, args) {
  const tmp = mkdtempSync(path.join(tmpdir(), "mcp-toolkit-snapshot-"));
  try {
    const bundle = readFileSync(path.join(dist, "bundle.cjs"), "utf8").replace(/^#!.*/, "");
    const entry = path.join(tmp, "entry.cjs");
    const source = snapshotEntry(bundle, dist);
    // One character outside Latin-1 would make V8 keep the whole script (the bundle) as UTF-16: twice the size in
    // every snapshot. esbuild writes ASCII; so must the wrapper.
    if (Buffer.from(source, "latin1").toString("latin1") !== source) {
      throw new Error("the snapshot entry must be Latin-1 text");
    }
    writeFileSync(entry, source);
    const blob = path.join(tmp, "snapshot.blob");
    const warmup = args.map((a) => a.replaceAll("{tmp}", tmp));
    const child = spawn(process.execPath, ["--snapshot-blob", blob, "--build-snapshot", entry, ...warmup], {
      cwd: tmp,
      env: {},
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill(), 60_000);
    const code = await new Promise((resolve) => child.on("exit", resolve));
    clearTimeout(timer);
    if (code !== 0) {
      console.warn(
        `build: startup snapshot not made (exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
      );
      return;
    }
    copyFileSync(blob, path.join(dist, "snapshot.blob"));
    // Written last: its presence says the blob is complete.
    const fits = { node: process.version, v8: process.versions.v8, arch: process.arch, platform: process.platform };
    writeFileSync(path.join(dist, "snapshot.json"), `${JSON.stringify(fits)}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The snapshot's entry script: the bundle, run as the launcher runs it, but with its file, directory, URL and
 * `require` as variables that a deserialize callback points at the blob's directory in each started process.
 * (While the snapshot is made, `require` can load only built-in modules; packages such as better-sqlite3 are
 * required later, at run time.)
 */
function snapshotEntry(bundle, dist) {
  const file = path.join(dist, "bundle.cjs");
  return `"use strict";
(function () {
  const { startupSnapshot } = require("node:v8");
  const { createRequire } = require("node:module");
  const path = require("node:path");
  const { pathToFileURL } = require("node:url");
  let __filename = ${JSON.stringify(file)};
  let __dirname = path.dirname(__filename);
  let __bundleUrl = pathToFileURL(path.join(__dirname, "cli.cjs")).href;
  // Node's timer state does not survive a snapshot: after a timer was started here (pending, unref'd or
  // cleared), timers in the started processes may never fire. So the build fails if one was, naming it. Every
  // public way to start one is watched: the globals now, and node:timers and node:timers/promises when the bundle
  // requires them (loading timers/promises here would add ~600 KB to every blob). Node's internal socket timeouts
  // are not watched; the warm-up opens no sockets.
  const started = [];
  const watched = [];
  const watch = (prefix, owner) => {
    for (const name of ["setTimeout", "setInterval"]) {
      const original = owner[name];
      if (watched.some(([o, n]) => o === owner && n === name)) continue;
      watched.push([owner, name, original]);
      owner[name] = function (first, ...rest) {
        const what = typeof first === "function" ? String(first).replace(/\\s+/g, " ").slice(0, 120) : String(first);
        started.push(\`\${prefix}\${name}(\${what}, ...)\`);
        return original.call(this, first, ...rest);
      };
    }
  };
  watch("", globalThis);
  const timerModules = { timers: "timers.", "node:timers": "timers.", "timers/promises": "timers/promises.", "node:timers/promises": "timers/promises." };
  // The bundle's require: built-in modules while the snapshot is made (timer modules watched); in each started
  // process, a require rooted at the blob's directory (the deserialize callback below).
  let load = (id) => {
    const loaded = require(id);
    if (Object.hasOwn(timerModules, id)) watch(timerModules[id], loaded);
    return loaded;
  };
  // Node 20 makes a snapshot in a context that lacks ES2023's copying array methods (processes started from the
  // snapshot have them); the SDK calls toSorted while it warms up. Stand-ins serve the build and are removed again
  // before the heap is saved.
  const standIns = {
    toSorted(compare) { return [...this].sort(compare); },
    toReversed() { return [...this].reverse(); },
    toSpliced(...args) { const copy = [...this]; copy.splice(...args); return copy; },
    with(index, value) { const copy = [...this]; copy[index < 0 ? copy.length + index : index] = value; return copy; },
  };
  const shimmed = Object.keys(standIns).filter((name) => !(name in Array.prototype));
  for (const name of shimmed) {
    Object.defineProperty(Array.prototype, name, { value: standIns[name], writable: true, configurable: true });
  }
  startupSnapshot.addSerializeCallback(() => {
    for (const name of shimmed) delete Array.prototype[name];
    for (const [owner, name, original] of watched) owner[name] = original;
    if (started.length > 0) {
      process.stderr.write(\`timers were started while the snapshot was made: \${started.join("; ")}\\n\`);
      process.exit(1);
    }
  });
  startupSnapshot.addDeserializeCallback(() => {
    const args = process.execArgv;
    const at = args.findIndex((a) => a === "--snapshot-blob" || a.startsWith("--snapshot-blob="));
    const blob = at < 0 ? undefined : args[at].includes("=") ? args[at].slice(args[at].indexOf("=") + 1) : args[at + 1];
    if (blob) {
      __dirname = path.dirname(path.resolve(blob));
      __filename = path.join(__dirname, "bundle.cjs");
      __bundleUrl = pathToFileURL(path.join(__dirname, "cli.cjs")).href;
    }
    load = createRequire(__filename);
  });
  const module = { exports: {} };
  (function (exports, require, module) {
${bundle}
  })(module.exports, (id) => load(id), module);
})();
`;
}
