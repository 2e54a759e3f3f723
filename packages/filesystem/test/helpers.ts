import { spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createProgress, optionNames, type ProgressUpdate, silentLogger } from "@mcp-toolkit/core";
import type { CallToolResult } from "@modelcontextprotocol/server";
import type { TestContext } from "vitest";
import { type ClientKind, connectClient, type TestClient } from "../../core/test/clients.js";
import { FileTurns } from "../src/file-turns.js";
import { type Context, type FilesystemServerOptions, resolveLimits } from "../src/options.js";
import { Sandbox } from "../src/sandbox.js";
import { createFilesystemServerFactory } from "../src/server.js";
import { VersionCache } from "../src/version-cache.js";

/** A fresh temp directory (realpath'd); remove it with `cleanup`. */
export function tempDir(prefix = "fs-test-"): { dir: string; cleanup: () => void } {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A real SDK client connected in-process to a filesystem server (a 2026-07-28 client unless `kind` says otherwise);
 * `call` returns the raw tool result.
 */
export async function connect(
  options: FilesystemServerOptions,
  kind: ClientKind = "modern",
): Promise<{
  client: TestClient;
  call: (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;
  close: () => Promise<void>;
}> {
  const factory = createFilesystemServerFactory(options);
  const client = await connectClient(factory, kind);
  return {
    client,
    call: (name, args) => client.callTool({ name, arguments: args }),
    close: async () => {
      await client.close();
      await factory.close();
    },
  };
}

/**
 * All text content of a result, joined, without the version line a read ends with (`[version …]`, file-version.ts):
 * what the file holds. rawTextOf keeps it.
 */
export function textOf(result: CallToolResult): string {
  return withoutVersion(rawTextOf(result));
}

/** All text content of a result, joined, as sent. */
export function rawTextOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
}

/** `text` without the version line read_file and read_multiple_files end a file's text with. */
export function withoutVersion(text: string): string {
  return text.replace(/\n\[version [0-9a-f]{16}\](?=\n|$)/g, "");
}

/** A tool's context as the server builds it around `sandbox`: default limits, nothing logged, no questions. */
export function toolContext(sandbox: Sandbox): Context {
  return {
    sandbox,
    limits: resolveLimits({}),
    logger: silentLogger,
    confirm: "never",
    names: optionNames,
    fileTurns: new FileTurns(),
    versionCache: new VersionCache(),
    versions: true,
  };
}

/**
 * Run a tool's handler directly, as the SDK would call it, with progress reported to `onProgress` at once: for a
 * sandbox a test made fail in ways a real server (run as root) cannot.
 */
export function callHandler(
  tool: { handler: (args: never, call: never) => unknown },
  args: Record<string, unknown>,
  onProgress: (update: ProgressUpdate) => void = () => {},
): Promise<CallToolResult> {
  const progress = createProgress(onProgress, { delayMs: 0, intervalMs: 0 });
  const call = { signal: new AbortController().signal, progress, confirm: async () => "unsupported" as const };
  return Promise.resolve(tool.handler(args as never, call as never)) as Promise<CallToolResult>;
}

/** A sandbox refused (EACCES) the folders named `name`, as a non-root server is a folder of mode 700 not its own. */
export class DeniedSandbox extends Sandbox {
  constructor(
    roots: string[],
    private readonly name = "secret",
  ) {
    super(roots);
  }

  override open(input: string, resolved?: string) {
    if (resolved?.endsWith(`/${this.name}`)) {
      throw this.fsError(input, Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" }));
    }
    return super.open(input, resolved);
  }
}

/** Where the package's build is, as a URL prefix for a script's `import()` of one of its modules (`${DIST}sandbox.js`). */
export const DIST = new URL("../dist/", import.meta.url).href;

/**
 * What `script` (an ES module, run by `node -e` as the unprivileged user nobody, 65534) prints, trimmed; the test is
 * skipped where that user cannot run the build (a home directory closed to others): there is nothing to learn there.
 */
/**
 * `call` run as nobody (effective uid and gid) where the tests run as root, who passes every permission check, so
 * an in-process server's permission refusals can be tested; as any other user, run as is.
 */
export async function asNobodyIfRoot<T>(call: () => Promise<T>): Promise<T> {
  if (process.getuid?.() !== 0) return call();
  process.setegid?.(65534);
  process.seteuid?.(65534);
  try {
    return await call();
  } finally {
    process.seteuid?.(0);
    process.setegid?.(0);
  }
}

export function printedAsNobody(ctx: TestContext, script: string): string {
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    uid: 65534,
    gid: 65534,
    encoding: "utf8",
  });
  if (run.status !== 0 || run.stdout === "") ctx.skip(`nobody cannot run the build here: ${run.stderr.slice(0, 200)}`);
  return run.stdout.trim();
}
