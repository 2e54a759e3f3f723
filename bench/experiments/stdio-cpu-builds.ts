/**
 * Server CPU per read_file call over stdio, of several builds side by side: each a checkout of this repository with
 * its packages built (`git worktree add DIR COMMIT && cd DIR && pnpm install`), its filesystem bin driven by a bare
 * JSON-RPC client (one line per message, no SDK on the client side) that keeps --in-flight calls of `read_file` (the
 * figures' 1 KiB file) open. Every round gives each build one segment (order reversed every other round), and its CPU
 * per call is read from /proc. Each build after the first is reported as the median of its per-round ratios to the
 * first. Over stdio a call costs the server ~100–150 µs, so what a commit adds to the per-call path shows here at a
 * size the end-to-end figures (read_file 8 in flight) cannot tell from the machine's noise.
 *   pnpm exec tsx bench/experiments/stdio-cpu-builds.ts [--rounds 10] [--segment-ms 2000] [--in-flight 8] DIR_A DIR_B …
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { READ_FILE_CALL } from "../figures/http-load.js";
import { reportBuilds } from "../lib/builds.js";
import { processTreeCpuMs } from "../lib/cpu.js";
import { ourFilesystem } from "../lib/servers.js";

const { values, positionals: builds } = parseArgs({
  options: {
    rounds: { type: "string", default: "10" },
    "segment-ms": { type: "string", default: "2000" },
    "in-flight": { type: "string", default: "8" },
  },
  allowPositionals: true,
});
const rounds = Number(values.rounds);
const segmentMs = Number(values["segment-ms"]);
const inFlight = Number(values["in-flight"]);
if (builds.length < 2 || !(rounds > 0) || !(segmentMs > 0) || !(inFlight > 0)) {
  process.stderr.write(
    "usage: stdio-cpu-builds.ts [--rounds N] [--segment-ms MS] [--in-flight N] DIR_A DIR_B [DIR_C …]\n",
  );
  process.exit(2);
}

/** One build's bin on a pipe, and a bare client of it: each request's answer is awaited by its id. */
interface Pipe {
  child: ChildProcessWithoutNullStreams;
  request(method: string, params: unknown): Promise<unknown>;
  close(): void;
}

function startPipe(build: string, root: string): Pipe {
  const command = ourFilesystem(build, root);
  const child = spawn(process.execPath, [...(command.nodeArgs ?? []), ...command.args], {
    env: { ...process.env, ...command.env },
    stdio: "pipe",
  });
  child.stderr.resume();
  const waiting = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  let next = 1;
  let buffered = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (text: string) => {
    buffered += text;
    for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const message = JSON.parse(line) as { id?: number; result?: unknown; error?: { message?: string } };
      const pending = message.id === undefined ? undefined : waiting.get(message.id);
      if (!pending) continue;
      waiting.delete(message.id as number);
      if (message.error) pending.reject(new Error(message.error.message ?? "error"));
      else pending.resolve(message.result);
    }
  });
  child.on("exit", (code) => {
    for (const { reject } of waiting.values()) reject(new Error(`${build}: the server exited (${code})`));
  });
  return {
    child,
    request(method, params) {
      const id = next++;
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
    },
    close: () => child.kill(),
  };
}

/** Keep `inFlight` read_file calls open for `ms`; the number answered, each checked to carry the file. */
async function drive(pipe: Pipe, ms: number): Promise<number> {
  const until = performance.now() + ms;
  let answered = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const result = (await pipe.request("tools/call", {
        name: READ_FILE_CALL.tool,
        arguments: READ_FILE_CALL.args,
      })) as { content?: { text?: string }[] };
      if (!result.content?.[0]?.text?.includes(READ_FILE_CALL.expect)) {
        throw new Error(`unexpected answer: ${JSON.stringify(result).slice(0, 200)}`);
      }
      answered++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return answered;
}

const root = mkdtempSync(join(tmpdir(), "bench-stdio-builds-"));
writeFileSync(join(root, "bench-1k.txt"), "0123456789abcdef".repeat(64));
const pipes: Pipe[] = [];
try {
  for (const build of builds) {
    const pipe = startPipe(build, root);
    pipes.push(pipe);
    await pipe.request("initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "stdio-cpu-builds", version: "0.1.0" },
    });
    pipe.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
    await drive(pipe, 1000);
  }
  const perCall: number[][] = builds.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = pipes.map((_, i) => (round % 2 === 0 ? i : pipes.length - 1 - i));
    for (const i of order) {
      const pipe = pipes[i] as Pipe;
      const pid = pipe.child.pid as number;
      const before = processTreeCpuMs(pid) ?? 0;
      const calls = await drive(pipe, segmentMs);
      const after = processTreeCpuMs(pid) ?? 0;
      perCall[i]?.push(((after - before) * 1000) / Math.max(1, calls));
    }
  }
  reportBuilds(builds, perCall, 1);
} finally {
  for (const pipe of pipes) pipe.close();
  rmSync(root, { recursive: true, force: true });
}
