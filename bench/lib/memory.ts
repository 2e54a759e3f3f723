import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Unavailable } from "./figure.js";

/** Resident set size of one process, in KiB, from /proc/<pid>/status (VmRSS). */
export function rssKiB(pid: number): number {
  if (!existsSync("/proc/self/status")) throw new Unavailable("no /proc: RSS is read from /proc/<pid>/status (Linux)");
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** Direct children of a process (e.g. SQLite's executor), from /proc/<pid>/task/<pid>/children. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Bytes the V8 heap of `pid` holds after a full GC: a heap snapshot is written (the server runs with
 * `--heapsnapshot-signal=SIGUSR2` in `dir`; taking it collects garbage first), and its nodes' self sizes are summed.
 */
export async function liveHeapBytes(pid: number, dir: string, timeoutMs = 30_000): Promise<number> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(100);
    const file = readdirSync(dir).find((name) => name.endsWith(".heapsnapshot") && !before.has(name));
    if (!file) continue;
    let snapshot: { snapshot: { meta: { node_fields: string[] } }; nodes: number[] };
    try {
      // Node writes the file as it walks the heap: it parses only once it is complete.
      snapshot = JSON.parse(readFileSync(join(dir, file), "utf8"));
    } catch {
      continue;
    }
    rmSync(join(dir, file));
    const fields = snapshot.snapshot.meta.node_fields;
    const width = fields.length;
    const self = fields.indexOf("self_size");
    let bytes = 0;
    for (let i = self; i < snapshot.nodes.length; i += width) bytes += snapshot.nodes[i] as number;
    return bytes;
  }
  throw new Error(`no heap snapshot from pid ${pid} within ${timeoutMs} ms`);
}
