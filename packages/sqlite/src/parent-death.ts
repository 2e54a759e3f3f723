import { Worker } from "node:worker_threads";

/**
 * How the executor process dies with the server that started it. If the server is killed while the executor is busy
 * inside SQLite, the executor's event loop never sees the IPC channel close, so something else must end it. On Linux
 * with util-linux's setpriv, the kernel does (PR_SET_PDEATHSIG): it SIGKILLs the executor the moment its parent dies.
 * Elsewhere (macOS, busybox, util-linux before 2.33) the executor starts a watchdog thread, which costs 10.5 MiB.
 */

/** Set to 1 in the executor's environment when the kernel kills it as its parent dies: it then needs no watchdog. */
export const PARENT_DEATH_SIGNAL_ENV = "MCP_SQLITE_EXECUTOR_PDEATHSIG";

/**
 * A shell command that execs "$@" (the executor's command line) under `setpriv --pdeathsig KILL` when setpriv can do
 * that, setting PARENT_DEATH_SIGNAL_ENV, and plainly otherwise. The probe costs one short-lived setpriv per start.
 */
export const EXEC_KILLED_WITH_PARENT = [
  `unset ${PARENT_DEATH_SIGNAL_ENV}`,
  `if setpriv --pdeathsig KILL true 2>/dev/null; then ${PARENT_DEATH_SIGNAL_ENV}=1 exec setpriv --pdeathsig KILL "$@"; fi`,
  'exec "$@"',
].join("\n");

/** The watchdog: a thread that notices the parent is gone (this process gets a new parent pid) and kills it. */
export function watchParent(parentPid: number): void {
  const source = `const { parentPid } = require("node:worker_threads").workerData;
    setInterval(() => { if (process.ppid !== parentPid) process.kill(process.pid, "SIGKILL"); }, 500);`;
  new Worker(source, { eval: true, workerData: { parentPid } }).unref();
}
