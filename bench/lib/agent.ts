import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "./figure.js";
import { Unavailable } from "./figure.js";

/** Path of the built agent CLI; Unavailable when it has not been built. */
export function agentCli(ctx: BenchContext): string {
  const cli = join(ctx.root, "packages/agent/dist/cli.cjs");
  if (!existsSync(cli)) throw new Unavailable("packages/agent/dist/cli.cjs not built");
  return cli;
}

/** The outcome of one agent process. */
export interface AgentRun {
  /** performance.now() just before spawn. */
  startedAt: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines of stdout+stderr, for error messages. */
  tail: string;
}

/**
 * Run `node packages/agent/dist/cli.cjs --workspace <tmp> "<task>"` against the stand-in at `baseUrl`, with a dummy
 * key and only the environment the agent needs (no NODE_OPTIONS from the bench's own tsx), bounded in time.
 */
export async function runAgent(
  ctx: BenchContext,
  baseUrl: string,
  task: string,
  options: { timeoutMs?: number; nodeArgs?: string[]; args?: string[]; onSpawn?: (pid: number) => void } = {},
): Promise<AgentRun> {
  const cli = agentCli(ctx);
  const workspace = join(ctx.tmp, "agent-ws");
  mkdirSync(workspace, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? ctx.tmp,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: "sk-ant-bench-dummy",
    NO_COLOR: "1",
  };
  const startedAt = performance.now();
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), cli, "--workspace", workspace, ...(options.args ?? []), task],
    {
      cwd: ctx.root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-2000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const timer = setTimeout(() => child.kill("SIGTERM"), options.timeoutMs ?? 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  return { startedAt, code, signal, tail: tail.trim().split("\n").slice(-3).join(" | ") };
}

/** Run bench/lib/floor-loop.ts in its own node process (through tsx), bounded in time; throws on failure. */
export async function runFloorLoop(ctx: BenchContext, spec: string, timeoutMs = 60_000): Promise<void> {
  const script = join(ctx.root, "bench/lib/floor-loop.ts");
  const child = spawn(process.execPath, ["--import", "tsx", script, spec], {
    cwd: ctx.root,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? ctx.tmp },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-2000);
  });
  const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c) => resolve(c));
  });
  clearTimeout(timer);
  if (code !== 0) throw new Error(`floor loop exited ${code}: ${stderr.trim().split("\n").slice(-2).join(" | ")}`);
}
