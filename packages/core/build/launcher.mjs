#!/usr/bin/env node
// dist/cli.js: starts the bundled program (dist/bundle.cjs) from V8's code cache (dist/bundle.cache, made at build
// time by core/build/bundle-bin.mjs), which skips most of the bundle's compile time at every start. V8 checks the
// cache against the source, its own version and flags, and simply compiles when it does not fit.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const bundle = fileURLToPath(new URL("bundle.cjs", import.meta.url));
const cacheFile = fileURLToPath(new URL("bundle.cache", import.meta.url));
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache: compile.
}
const code = readFileSync(bundle, "utf8").replace(/^#!.*/, ""); // a hashbang is only valid at the top of a file
const source = `(function (exports, require, module, __filename, __dirname, __bundleUrl) {${code}\n})`;
const script = new vm.Script(source, { filename: bundle, cachedData });
if (process.env.MCP_TOOLKIT_BUILD_CODE_CACHE === "1") {
  // Build time only: after a representative run, save what V8 compiled.
  process.on("exit", () => writeFileSync(cacheFile, script.createCachedData()));
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle), import.meta.url);
