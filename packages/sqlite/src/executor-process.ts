import { type ChildProcess, fork, type SpawnOptions, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ChildConfig } from "./executor-child.js";
import { EXEC_KILLED_WITH_PARENT } from "./parent-death.js";

/** The script the executor process runs, and Node's arguments for it. */
export interface ExecutorScript {
  file: string;
  execArgv: string[];
}

/**
 * The executor's entry script: `entry` when given, else the compiled sibling (or the TypeScript source, run through
 * tsx, in development). Checked now: else an app that bundled this package learns of it at the first call, from the
 * child's stderr.
 */
export function executorScript(entry: string | undefined): ExecutorScript {
  const script = entry ? { file: entry, execArgv: [] } : siblingScript();
  if (!existsSync(script.file)) {
    throw new Error(
      `the SQLite executor script ${script.file} does not exist; an app that bundles @mcp-toolkit/sqlite passes executorEntry (ChildExecutor: entry), the package's dist/executor-child.js`,
    );
  }
  return script;
}

function siblingScript(): ExecutorScript {
  if (import.meta.url.endsWith(".ts")) {
    return { file: fileURLToPath(new URL("./executor-child.ts", import.meta.url)), execArgv: ["--import", "tsx"] };
  }
  return { file: fileURLToPath(new URL("./executor-child.js", import.meta.url)), execArgv: [] };
}

/**
 * Start the executor with its memory bounded. better-sqlite3 offers no sqlite3_limit() and builds SQLite without
 * memory accounting (SQLITE_DEFAULT_MEMSTATUS=0), so PRAGMA hard_heap_limit is accepted but never enforced: the
 * bound has to come from outside. On Linux that is the process's RLIMIT_DATA (its heap and writable private
 * mappings, not address space merely reserved), set by the shell's `ulimit -d` since Node cannot set a child's
 * limits; `exec` keeps one process, so the pid and the IPC channel are Node's. SQLite's own allocations past it fail
 * with SQLITE_NOMEM and the statement stops cleanly; a copy into JavaScript that does not fit ends the process.
 * Everywhere, V8's heap gets half the limit, so it collects garbage well before the rest runs out.
 */
export function startExecutorProcess(script: ExecutorScript, config: ChildConfig, maxMemoryMb: number): ChildProcess {
  const args = [JSON.stringify(config)];
  const nodeArgs = [...script.execArgv, `--max-old-space-size=${Math.floor(maxMemoryMb / 2)}`];
  // stdout is the MCP channel on stdio: the child must never write to it.
  const options: SpawnOptions = { stdio: ["ignore", "ignore", "inherit", "ipc"], serialization: "json" };
  if (process.platform !== "linux") return fork(script.file, args, { ...options, execArgv: nodeArgs });
  // A failed ulimit ends the shell with its own error: "$1" must never be run as the command.
  const shell = `ulimit -d "$1" && shift || exit\n${EXEC_KILLED_WITH_PARENT}`;
  const kib = String(maxMemoryMb * 1024);
  return spawn("/bin/sh", ["-c", shell, "sh", kib, process.execPath, ...nodeArgs, script.file, ...args], options);
}
