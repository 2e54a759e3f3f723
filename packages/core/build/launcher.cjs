#!/usr/bin/env node
// dist/cli.cjs: starts the bundled program (dist/bundle.cjs) from V8's code cache (dist/bundle.cache, made at build
// time by core/build/bundle-bin.mjs), which skips most of the bundle's compile time at every start. V8 checks the
// cache against the source, its own version and flags, and simply compiles when it does not fit. CommonJS, because
// an ES module entry costs every start Node's ESM loader (~5-8 ms).
//
// V8 flags of the user's own (NODE_OPTIONS=--max-old-space-size=4096 is a common one) change the flag hash, and V8
// then refuses the shipped cache: every start compiles again. For such a start the launcher keeps a cache made for
// this Node, these flags and this bundle in the user's cache directory ($XDG_CACHE_HOME/mcp-toolkit, else
// ~/.cache/mcp-toolkit), written by the first such start once it has started up, and used by the next ones.
"use strict";
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const vm = require("node:vm");

const bundle = path.join(__dirname, "bundle.cjs");
const shippedCache = path.join(__dirname, "bundle.cache");
const building = process.env.MCP_TOOLKIT_BUILD_CODE_CACHE === "1";
const ownFlags = process.execArgv.length > 0 || Boolean(process.env.NODE_OPTIONS?.trim());
const userCache = ownFlags && !building ? userCacheFile() : undefined;

/** Where this Node, these flags and this very bundle keep their cache; undefined without a cache directory. */
function userCacheFile() {
  try {
    // Loaded only here: a start without flags of its own never pays for them.
    const { createHash } = require("node:crypto");
    // As the XDG spec asks, a relative XDG_CACHE_HOME is ignored; and never a cache in the working directory (an
    // empty HOME makes homedir() ""), which for a file server may be the very tree it serves.
    const xdg = process.env.XDG_CACHE_HOME;
    const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(require("node:os").homedir(), ".cache");
    if (!path.isAbsolute(base)) return undefined;
    const { size, mtimeMs } = statSync(bundle);
    const key = createHash("sha256")
      .update(JSON.stringify([process.version, process.arch, process.execArgv, process.env.NODE_OPTIONS ?? ""]))
      .update(JSON.stringify([bundle, size, mtimeMs]))
      .digest("hex")
      .slice(0, 24);
    return path.join(base, "mcp-toolkit", `code-cache-${key}.bin`);
  } catch {
    return undefined;
  }
}

function read(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined; // No cache: compile.
  }
}

const cachedData = (userCache && read(userCache)) || read(shippedCache);
const code = readFileSync(bundle, "utf8").replace(/^#!.*/, ""); // a hashbang is only valid at the top of a file
const source = `(function (exports, require, module, __filename, __dirname, __bundleUrl) {${code}\n})`;
const script = new vm.Script(source, { filename: bundle, cachedData });
if (building) {
  // Build time only: after a representative run, save what V8 compiled.
  process.on("exit", () => writeFileSync(shippedCache, script.createCachedData()));
} else if (userCache && (cachedData === undefined || script.cachedDataRejected)) {
  // Save what this start compiled, once it has started up (or as it exits, if sooner). Best effort: a cache
  // directory that cannot be written only means the next start compiles too.
  let saved = false;
  const save = () => {
    if (saved) return;
    saved = true;
    try {
      mkdirSync(path.dirname(userCache), { recursive: true });
      const partial = `${userCache}.${process.pid}`;
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, userCache);
    } catch {
      // Not writable: nothing to keep.
    }
  };
  setTimeout(save, 2000).unref();
  process.on("exit", save);
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
