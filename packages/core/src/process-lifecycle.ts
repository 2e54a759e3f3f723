import type { AuditLog } from "./audit-log.js";
import type { Logger } from "./logger.js";
import type { OpenedAccess } from "./open-access.js";

/**
 * SIGHUP, as daemons take it: reopen the audit log (logrotate has moved it) and re-read the tokens and policy
 * files. A file that no longer parses is reported, and the previous contents stay in force.
 */
export function installReload(audit: AuditLog | undefined, access: OpenedAccess | undefined, logger: Logger): void {
  process.on("SIGHUP", () => {
    audit?.reopen();
    if (!access) return;
    access.reload().then(
      () => logger.info("SIGHUP: re-read the tokens and policy files"),
      (error: Error) => logger.error(`SIGHUP: kept the previous tokens and policy: ${error.message}`),
    );
  });
}

/** Whether `node --build-snapshot` runs this process; node:v8 is loaded only then, as it costs every start ~5 ms. */
export function buildingSnapshot(): boolean {
  return (
    process.execArgv.includes("--build-snapshot") &&
    process.getBuiltinModule("node:v8").startupSnapshot.isBuildingSnapshot()
  );
}

/**
 * Exit cleanly on SIGINT/SIGTERM (and stdin closing on stdio): close, then exit 0. A second signal, or 5 s,
 * forces the exit; stdin ending again (it reports both "end" and "close") does not, so a server's close — the
 * SQLite executor checkpointing its WAL — always gets to finish.
 */
export function installShutdown(close: () => Promise<void>, logger: Logger, watchStdin: boolean): void {
  let stopping = false;
  const stop = (why: string, force: boolean) => {
    if (stopping) {
      if (force) process.exit(130);
      return;
    }
    stopping = true;
    logger.debug(`shutting down (${why})`);
    setTimeout(() => process.exit(0), 5000).unref();
    void close().finally(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT", true));
  process.on("SIGTERM", () => stop("SIGTERM", true));
  if (watchStdin) {
    process.stdin.on("end", () => stop("stdin closed", false));
    process.stdin.on("close", () => stop("stdin closed", false));
  }
}
