// Bundles the bin into dist/cli.js. Same as the other packages' esbuild line, plus one thing for cold
// start: zod's ~260 KB of non-English error locales are left out (zod configures English itself, and
// nothing here selects another locale), which cuts the bundle by a third and its compile time with it.
// `node build.mjs [--outfile=FILE] [--sourcemap]` rebuilds elsewhere, e.g. with a map for profiling.
import { parseArgs } from "node:util";
import { build } from "esbuild";

const { values } = parseArgs({ options: { outfile: { type: "string" }, sourcemap: { type: "boolean" } } });

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
  outfile: values.outfile ?? "dist/cli.js",
  sourcemap: values.sourcemap ?? false,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: true,
  conditions: ["development"],
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  plugins: [englishOnly],
  logLevel: "warning",
});
