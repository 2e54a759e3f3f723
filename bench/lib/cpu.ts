import { existsSync, readdirSync, readFileSync } from "node:fs";
import { childPids } from "./memory.js";

/** CPU milliseconds a process has used so far, all its threads summed (/proc/<pid>/task/<tid>/schedstat, in ns). */
export function cpuMs(pid: number): number {
  let ns = 0;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0; // gone
  }
  for (const tid of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // a thread that ended while we read
    }
  }
  return ns / 1e6;
}

/** CPU milliseconds of a process, and of all its descendants together. */
export function cpuOfTree(pid: number): { own: number; descendants: number } {
  let descendants = 0;
  const queue = childPids(pid);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    descendants += cpuMs(next);
    queue.push(...childPids(next));
  }
  return { own: cpuMs(pid), descendants };
}

/**
 * CPU milliseconds used so far by process `pid` and its descendants (our SQLite server's executor is one); undefined
 * where there is no /proc.
 */
export function processTreeCpuMs(pid: number): number | undefined {
  if (!existsSync("/proc/self/task")) return undefined;
  const { own, descendants } = cpuOfTree(pid);
  return own + descendants;
}
