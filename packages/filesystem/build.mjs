// Builds the bin. dist/server.cjs is the whole server bundled (as the other packages' esbuild line does, but
// CommonJS so that it can be compiled from V8's code cache), dist/cli.js is launcher.mjs, and
// dist/server.cache is V8's code cache, made by starting the built server once. Two things for cold start:
// - zod's ~260 KB of non-English error locales are left out (zod configures English itself, and nothing
//   here selects another locale), which cuts the bundle by a third;
// - the code cache saves most of the bundle's compile time at every start.
// `node build.mjs [--outdir=DIR] [--sourcemap]` builds elsewhere, e.g. with a map for profiling.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const { values } = parseArgs({ options: { outdir: { type: "string" }, sourcemap: { type: "boolean" } } });
const outdir = values.outdir ?? "dist";

const englishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: "zod-locales", namespace: "zod-english-only" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-english-only" }, () => ({ contents: "export {};", loader: "js" }));
  },
};

await build({
  entryPoints: ["src/cli.ts"],
  outfile: path.join(outdir, "server.cjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  conditions: ["development"],
  // The launcher passes the URL of dist/cli.js, so package.json is found as from an ES module.
  define: { "import.meta.url": "__bundleUrl" },
  sourcemap: values.sourcemap ?? false,
  plugins: [englishOnly],
  logLevel: "warning",
});
copyFileSync("launcher.mjs", path.join(outdir, "cli.js"));
rmSync(path.join(outdir, "cli.js.map"), { force: true }); // tsc's map of src/cli.ts no longer matches
rmSync(path.join(outdir, "server.cache"), { force: true });
await makeCodeCache(path.join(outdir, "cli.js"));

/** Start the built server, list its tools and read a file, then let it exit: the launcher saves the cache. */
async function makeCodeCache(cli) {
  const root = mkdtempSync(path.join(tmpdir(), "mcp-fs-build-"));
  mkdirSync(root, { recursive: true });
  try {
    const child = spawn(process.execPath, [cli, "--root", root, "--log-level", "silent"], {
      env: { ...process.env, MCP_FILESYSTEM_BUILD_CODE_CACHE: "1" },
      stdio: ["pipe", "pipe", "inherit"],
    });
    const send = (message) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
    send({
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "build", version: "0" } },
    });
    send({ method: "notifications/initialized" });
    send({ id: 2, method: "tools/list" });
    send({ id: 3, method: "tools/call", params: { name: "list_directory", arguments: {} } });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes('"id":3')) child.stdin.end();
    });
    const timer = setTimeout(() => child.kill(), 10_000);
    const code = await new Promise((resolve) => child.on("exit", resolve));
    clearTimeout(timer);
    if (code !== 0)
      console.warn(`build: code cache not made (server exited ${code}); the bin still works, just starts slower`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
