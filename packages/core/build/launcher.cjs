#!/usr/bin/env node
// dist/cli.cjs: starts the bundled program (dist/bundle.cjs) from V8's code cache (dist/bundle.cache, made at build
// time by core/build/bundle-bin.mjs), which skips most of the bundle's compile time at every start. V8 checks the
// cache against the source, its own version and flags, and simply compiles when it does not fit. CommonJS, because
// an ES module entry costs every start Node's ESM loader (~5-8 ms).
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const vm = require("node:vm");

const bundle = path.join(__dirname, "bundle.cjs");
const cacheFile = path.join(__dirname, "bundle.cache");
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
const bundled = { exports: {} };
// The bundle's import.meta.url: this file's URL, so files beside it resolve as they would from an ES module.
script.runInThisContext()(
  bundled.exports,
  createRequire(bundle),
  bundled,
  bundle,
  __dirname,
  pathToFileURL(__filename).href,
);
