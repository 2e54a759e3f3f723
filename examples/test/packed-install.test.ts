import { existsSync, lstatSync, readFileSync, realpathSync } from "node:fs";
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Finished, REPO, run } from "./helpers.js";

// The README's install lines (the sh block after <!-- packed-install -->), run as a user would, outside the
// workspace: `pnpm pack:all` in a clone, then in a project the copy of the tarballs and `npm install` of them, with
// npm's defaults and with --install-links, and the global install of the commands. Then the clone is deleted and a
// copy of the project is installed with `npm ci`, as a container image would be, before anything is run.
const README_CLONE = "/path/to/mcp-toolkit";
const FIXTURES = join(REPO, "examples/test/fixtures/packed-install");
const SERVERS = ["filesystem", "sqlite", "http"] as const;

/** The block's commands, comments dropped. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const block = /<!-- packed-install\b[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no sh block after <!-- packed-install -->");
  return block
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter(Boolean);
}

const commands = readmeCommands();
const projectInstall = commands.find((c) => c.startsWith("npm install ") && !c.includes("--global"));
const globalInstall = commands.find((c) => c.startsWith("npm install --global "));
const setup = commands.filter((c) => c !== "pnpm pack:all" && c !== projectInstall && c !== globalInstall);

// npm as a user's shell would start it. `pnpm test` hands its scripts npm_* settings describing pnpm itself
// (npm_config_globalconfig even names pnpm's own rc file); only the ones a CI may set for reaching the registry stay.
const KEPT = /^npm_config_(registry|cafile|ca|strict_ssl|proxy|https_proxy|noproxy|nodedir)$/i;
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^p?npm_/i.test(name) || KEPT.test(name)),
);

let root: string;
let clone: string;
let npmEnv: NodeJS.ProcessEnv;
const project = (name: string) => join(root, name);

/** Run one shell command line (an install may compile better-sqlite3: minutes, not seconds). */
const shell = (line: string, cwd: string, env: NodeJS.ProcessEnv = npmEnv) =>
  run("sh", ["-c", line], { cwd, env, timeoutMs: 300_000 }).then((done) => ({ line, ...done }));

/** Fail with a command's output unless it succeeded. */
function succeeded({ line, code, stdout, stderr }: Finished & { line: string }): void {
  expect(code, `${line}\n${stdout}${stderr}`).toBe(0);
}

/** Run one shell command line; it must succeed. */
async function sh(line: string, cwd: string, env: NodeJS.ProcessEnv = npmEnv): Promise<void> {
  succeeded(await shell(line, cwd, env));
}

/** A project folder that has run the README's lines up to (not including) its `npm install`. */
async function prepareProject(name: string): Promise<string> {
  const dir = project(name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "package.json"), `${JSON.stringify({ name, private: true, type: "module" })}\n`);
  for (const line of setup) await sh(line.replaceAll(README_CLONE, clone), dir);
  await copyFile(join(FIXTURES, "main.mjs"), join(dir, "main.mjs"));
  return dir;
}

/**
 * The installs get better-sqlite3's addon as prebuild-install's documented local prebuild (what a user online
 * downloads), made from a copy compiled for this Node: the workspace's, or the first install's if npm picked another
 * version. That saves ~95 s of compiling per install, or all but one when no prebuilt fits.
 */
async function savePrebuild(packageDir: string): Promise<void> {
  const addon = "build/Release/better_sqlite3.node";
  if (!existsSync(join(packageDir, addon))) return;
  const { version } = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")) as { version: string };
  const abi = `node-v${process.versions.modules}-${process.platform}-${process.arch}`;
  const archive = join(root, "prebuilds", `better-sqlite3-v${version}-${abi}.tar.gz`);
  if (!existsSync(archive)) await sh(`tar -czf '${archive}' -C '${packageDir}' ${addon}`, root);
}

beforeAll(async () => {
  expect(commands[0], "the block starts in the clone").toBe("pnpm pack:all");
  const scripts = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> })
    .scripts;
  expect(scripts["pack:all"], "run below with --no-build").toBe("node scripts/pack.mjs");
  expect(projectInstall).toBeDefined();
  expect(globalInstall).toBeDefined();
  root = realpathSync(await mkdtemp(join(tmpdir(), "mcp-packed-")));
  expect(root.startsWith(REPO)).toBe(false);
  clone = join(root, "mcp-toolkit");
  await mkdir(join(root, "prebuilds"), { recursive: true });
  npmEnv = {
    ...baseEnv,
    npm_config_cache: join(root, "npm-cache"),
    npm_config_better_sqlite3_local_prebuilds: join(root, "prebuilds"),
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };

  // `pnpm pack:all` packs what `pnpm test` has just built (--no-build: a rebuild would race the other tests' bins).
  const pack = await run(process.execPath, ["scripts/pack.mjs", "--no-build", "--out", join(clone, "dist-packages")]);
  expect(pack.code, pack.stdout + pack.stderr).toBe(0);
  const workspaceSqlite = createRequire(join(REPO, "packages/sqlite/package.json"));
  await savePrebuild(dirname(workspaceSqlite.resolve("better-sqlite3/package.json")));

  // The test program's own client goes in the same install; nothing else is added to the README's line. npm's
  // default install-links=false is spelled out, in case a user's .npmrc says otherwise.
  const defaults = await prepareProject("defaults");
  const defaultLinks = { ...npmEnv, npm_config_install_links: "false" };
  await sh(`${projectInstall} @modelcontextprotocol/client`, defaults, defaultLinks);
  await savePrebuild(join(defaults, "node_modules/better-sqlite3"));
  const links = await prepareProject("install-links");

  // From here on nothing may need the clone: the projects install from their own copies of the tarballs. The
  // image is a copy of the first project without node_modules, as a Dockerfile would COPY it.
  await rm(clone, { recursive: true, force: true });
  const image = project("image");
  await mkdir(image);
  for (const file of ["package.json", "package-lock.json", "main.mjs"]) {
    await copyFile(join(defaults, file), join(image, file));
  }
  await cp(join(defaults, "vendor"), join(image, "vendor"), { recursive: true });
  // npm 11.19's strict check fails (ENOENT) on a global prefix whose lib/node_modules does not exist yet.
  await mkdir(join(project("global"), "lib/node_modules"), { recursive: true });
  // The first install has just filled the cache: no need to ask the registry again whether it is fresh.
  const cached = { ...npmEnv, npm_config_prefer_offline: "true" };
  // --install-links as CI often sets it, and npm's strict install-script policy, which the README's lines satisfy.
  const strict = { ...cached, npm_config_strict_allow_scripts: "true" };
  const installs = await Promise.all([
    shell(`${projectInstall} --install-links @modelcontextprotocol/client`, links, strict),
    shell(`${globalInstall} --prefix '${project("global")}'`, defaults, strict),
    shell("npm ci", image, cached).then((ci) =>
      // A registry mirror can serve a packument older than the lockfile for a moment (seen once in CI: ETARGET for
      // a version published days before): asked again for fresh metadata, npm ci must then succeed.
      ci.code !== 0 && ci.stderr.includes("ETARGET") ? shell("npm ci --prefer-online", image, npmEnv) : ci,
    ),
  ]);
  installs.forEach(succeeded);
}, 600_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true, maxRetries: 3 });
});

describe("the README's install lines, from packed tarballs, outside the workspace", () => {
  const projects = ["defaults", "install-links", "image"];

  it.each(projects)(
    "%s: core resolves to its tarball, once, as real folders with no tests or snapshots",
    async (name) => {
      const lock = JSON.parse(await readFile(join(project(name), "package-lock.json"), "utf8")) as {
        packages: Record<string, { resolved?: string; link?: boolean }>;
      };
      expect(lock.packages["node_modules/@mcp-toolkit/core"]?.resolved).toBe("file:vendor/mcp-toolkit-core-0.1.0.tgz");
      const paths = Object.keys(lock.packages);
      expect(paths.filter((p) => p.endsWith("/@mcp-toolkit/core"))).toEqual(["node_modules/@mcp-toolkit/core"]);
      // One SDK, shared by our servers and the user's createMcpHandler.
      expect(paths.filter((p) => p.endsWith("/@modelcontextprotocol/server"))).toEqual([
        "node_modules/@modelcontextprotocol/server",
      ]);
      for (const pkg of ["core", ...SERVERS]) {
        const dir = join(project(name), "node_modules/@mcp-toolkit", pkg);
        expect(lstatSync(dir).isSymbolicLink(), `${pkg} is a link`).toBe(false);
        expect(existsSync(join(dir, "LICENSE")) && existsSync(join(dir, "README.md"))).toBe(true);
        expect(existsSync(join(dir, "test"))).toBe(false);
        expect(existsSync(join(dir, "dist/snapshot.blob"))).toBe(false);
        // The SDK is the project's: a peer of ours, never a copy of our own beside the user's.
        const { peerDependencies, dependencies } = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
          peerDependencies?: Record<string, string>;
          dependencies: Record<string, string>;
        };
        expect(peerDependencies?.["@modelcontextprotocol/server"]).toBe("^2.4.0");
        expect(dependencies["@modelcontextprotocol/server"]).toBeUndefined();
        if (pkg !== "core") {
          const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
            dependencies: Record<string, string>;
          };
          expect(manifest.dependencies["@mcp-toolkit/core"]).toBe("0.1.0");
        }
      }
    },
  );

  it.each(projects)("%s: each server and factory serves a client, the clone gone", async (name) => {
    const { code, stdout, stderr } = await run(process.execPath, ["main.mjs"], { cwd: project(name) });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      resolved: Record<string, string>;
      protocols: string[];
      tools: number[];
      written: string;
      read: string;
      databaseBytes: number;
      query: string;
      fetched: string;
      fetchedModern: string;
    };
    for (const pkg of ["core", ...SERVERS]) {
      // The default export condition, in the project's own node_modules: compiled dist, not the sources.
      const entry = join(project(name), "node_modules/@mcp-toolkit", pkg, "dist/index.js");
      expect(result.resolved[pkg]).toBe(pathToFileURL(entry).href);
    }
    expect(result.protocols).toEqual(["2025-11-25", "2026-07-28"]);
    expect(result.tools.every((count) => count > 0)).toBe(true);
    expect(result.written).toBe("from outside");
    expect(result.read).toContain("from outside");
    expect(result.databaseBytes).toBeGreaterThan(0);
    expect(result.query).toMatch(/"rows":\[\[42\]\]/);
    expect(result.fetched).toContain("hello /single");
    expect(result.fetchedModern).toContain("hello /factory");
  });

  it("type-checks typed use against the installed declarations", async () => {
    const dir = project("defaults");
    await copyFile(join(FIXTURES, "typed.ts"), join(dir, "typed.ts"));
    const tsconfig = {
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      files: ["typed.ts"],
    };
    await writeFile(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const { code, stdout, stderr } = await run(join(REPO, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], {
      cwd: dir,
    });
    expect(stdout + stderr).toBe("");
    expect(code).toBe(0);
  });

  it.each(SERVERS)("the installed mcp-%s bin starts (--help)", async (server) => {
    const { code, stdout } = await run(join(project("defaults"), `node_modules/.bin/mcp-${server}`), ["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: mcp-${server}`);
  });

  it("the global mcp-agent starts the three installed servers and lists their tools", async () => {
    const workspace = join(root, "agent-workspace");
    await mkdir(workspace);
    const agent = join(project("global"), "bin/mcp-agent");
    const { code, stdout, stderr } = await run(agent, ["--list-tools", "--workspace", workspace], { cwd: workspace });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^file__read_file\b/m);
    expect(stdout).toMatch(/^db__execute_query\b/m);
    expect(stdout).toMatch(/^api__http_get\b/m);
  });
});
