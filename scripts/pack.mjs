// Packs every published package into one folder of tarballs, each what `pnpm publish` would upload:
//   node scripts/pack.mjs [--out DIR] [--no-build]          (pnpm pack:all; DIR defaults to dist-packages)
// - builds all packages once (pnpm build), unless --no-build (the tests pack what `pnpm test` has just built);
// - packs each with `pnpm pack`, which turns `workspace:*` into the version being packed, so the servers' tarballs
//   depend on @mcp-toolkit/core as a registry package would, and npm resolves it to core's tarball when both are
//   installed together; each package's own prepack build is skipped, having just run;
// - reads each tarball back and refuses it, naming the package and the file, if it lacks what a user needs
//   (package.json, README.md, LICENSE, every `exports`/`main`/`types`/`bin` target, the bin's dist/cli.cjs) or
//   carries what it must not: tests, build info, or a startup snapshot (dist/snapshot.blob fits only the Node that
//   made it; `files` leaves it out, and this checks that it stays out).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    out: { type: "string", default: "dist-packages" },
    "no-build": { type: "boolean", default: false },
  },
});
const out = path.resolve(repo, values.out);

const packages = readdirSync(path.join(repo, "packages"))
  .map((dir) => ({ dir: path.join(repo, "packages", dir), manifest: readJson(path.join(repo, "packages", dir)) }))
  .filter(({ manifest }) => manifest && !manifest.private)
  // Dependencies first, so the list reads in install order: core, the servers, the agent.
  .sort(
    (a, b) => ownDependencies(a.manifest).length - ownDependencies(b.manifest).length || a.dir.localeCompare(b.dir),
  );
const versions = new Map(packages.map(({ manifest }) => [manifest.name, manifest.version]));

if (!values["no-build"]) pnpm(["run", "build"], repo, "inherit");
mkdirSync(out, { recursive: true });
for (const file of readdirSync(out)) if (/^mcp-toolkit-.*\.tgz$/.test(file)) rmSync(path.join(out, file));

const filters = packages.flatMap(({ manifest }) => ["--filter", manifest.name]);
const packArgs = ["pack", "--pack-destination", out, "--json", "--config.ignore-scripts=true"];
const packed = JSON.parse(pnpm(["--recursive", ...filters, ...packArgs], repo));
for (const { manifest } of packages) {
  const tarball = path.resolve(out, packed.find((p) => p.name === manifest.name)?.filename ?? "");
  const files = existsSync(tarball) ? readTarball(tarball) : new Map();
  const problems = check(files);
  if (problems.length > 0) {
    rmSync(tarball, { force: true });
    fail(`${manifest.name}: ${problems.join("; ")}`);
  }
  const kb = Math.round(statSync(tarball).size / 1024);
  console.log(`${path.relative(process.cwd(), tarball)}  ${kb} kB, ${files.size} files`);
}

/** What is wrong with one package's tarball: its files, by path inside package/. */
function check(files) {
  const problems = [];
  const packed = JSON.parse(files.get("package.json")?.toString("utf8") ?? "null");
  if (!packed) return ["no package.json"];
  for (const name of files.keys()) {
    if (!/^(package\.json|README\.md|LICENSE|(bin|dist|src)\/.+)$/.test(name)) problems.push(`unexpected ${name}`);
    if (/(^|\/)test\/|\.test\.|\.tsbuildinfo$|snapshot\.(blob|json)$/.test(name)) problems.push(`ships ${name}`);
  }
  const needed = ["README.md", "LICENSE", packed.main, packed.types, ...targets(packed.exports)];
  for (const bin of Object.values(packed.bin ?? {})) needed.push(bin, "dist/cli.cjs");
  for (const file of needed) {
    const name = path.posix.normalize(file ?? "");
    if (file && !files.has(name)) problems.push(`missing ${name}`);
  }
  for (const [dep, range] of Object.entries({ ...packed.dependencies, ...packed.peerDependencies })) {
    if (range.startsWith("workspace:")) problems.push(`${dep} is still ${range}`);
    else if (versions.has(dep) && range.replace(/^[\^~]/, "") !== versions.get(dep)) {
      problems.push(`${dep} is ${range}, but ${versions.get(dep)} is being packed`);
    }
  }
  return problems;
}

/** Every file an `exports` map points at. */
function targets(exports) {
  if (typeof exports === "string") return [exports];
  return Object.values(exports ?? {}).flatMap(targets);
}

/** The regular files of a .tgz as name (without the leading package/) → contents. */
function readTarball(file) {
  const tar = gunzipSync(readFileSync(file));
  const files = new Map();
  // ustar: a 512-byte header per entry, then the contents padded to 512 bytes; two zero blocks end it.
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) => header.toString("latin1", start, start + length).replace(/\0[\s\S]*$/, "");
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join("/");
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    if (["0", ""].includes(field(156, 1)))
      files.set(name.replace(/^package\//, ""), tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function pnpm(args, cwd, stdout = "pipe") {
  const result = spawnSync("pnpm", args, { cwd, stdio: ["ignore", stdout, "inherit"], encoding: "utf8" });
  if (result.error) fail(`pnpm ${args[0]}: ${result.error.message}`);
  if (result.status !== 0)
    fail(`pnpm ${args.join(" ")} failed in ${path.relative(repo, cwd) || "."} (exit ${result.status})`);
  return result.stdout;
}

function readJson(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  } catch {
    return undefined;
  }
}

function ownDependencies(manifest) {
  return Object.keys(manifest.dependencies ?? {}).filter((name) => name.startsWith("@mcp-toolkit/"));
}

function fail(message) {
  console.error(`pack: ${message}`);
  process.exit(1);
}
