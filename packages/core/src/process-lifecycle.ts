import { setTimeout as sleep } from "node:timers/promises";
import type { AccessChoice } from "./access-options.js";
import type { AuditLog } from "./audit-log.js";
import type { HttpEndpoint } from "./http-server.js";
import type { Logger } from "./logger.js";
import type { OpenedAccess } from "./open-access.js";
import type { ServerFactory } from "./server-factory.js";
import type { TlsFiles } from "./tls-pair.js";

/** What a started server bin stops and reloads on signals. */
export interface ServerProcess {
  http?: HttpEndpoint | undefined;
  /**
   * Closed early — when calls outlive the drain, or on a signal over stdio — so that each call left is answered that
   * the server is shutting down while its client can still hear it.
   */
  factory: ServerFactory;
  /** Stop everything, once. */
  close(): Promise<void>;
  /** Whether stdin closing stops the server (on stdio, the client has gone). */
  watchStdin: boolean;
  audit?: AuditLog | undefined;
  /** Where --audit-log pointed the audit trail: a file SIGHUP reopens, or stderr. */
  auditTarget?: string | undefined;
  access?: OpenedAccess | undefined;
  /** How access was configured: which files SIGHUP re-reads. */
  choice?: AccessChoice | undefined;
  /** Where the HTTPS certificate and key are: SIGHUP re-reads them for new connections. */
  tlsFiles?: TlsFiles | undefined;
}

/** Why a stdio server stops when its client goes. */
const STDIN_CLOSED = "stdin closed";
/** How long a stopping HTTP server waits for the calls it is answering, inside installShutdown's 5 s. */
const DRAIN_MS = 3000;
/** How long, after that, the calls stopped get to be answered (running-calls.ts) and their answers to go out. */
const FLUSH_MS = 500;

/** Stop on SIGINT, SIGTERM (and stdin closing on stdio), draining the calls under way; reload on SIGHUP. */
export function installSignals(server: ServerProcess, logger: Logger): void {
  const { http, factory } = server;
  installShutdown(
    async (why) => {
      // Said, so that the log of a replica stopped in a rolling restart is told from one killed, which says nothing.
      if (http) logger.info(`stopping on ${why}: taking no new connections; calls running get up to ${DRAIN_MS} ms`);
      // On a signal, as a rolling restart sends it: the calls already running are answered first, within limits.
      if (http && !(await http.drain(DRAIN_MS))) {
        // Stop the calls left, and release what they run on, while their connections are still open: each is answered
        // that the server is shutting down (running-calls.ts), so its client can retry elsewhere rather than see a cut
        // connection. close() awaits the same promise.
        factory.close().catch(() => {});
        const answered = await http.drain(FLUSH_MS);
        logger.warn(
          answered
            ? `stopping: calls still running after ${DRAIN_MS} ms were stopped and answered that the server is shutting down`
            : `stopping: calls still running after ${DRAIN_MS + FLUSH_MS} ms were cut`,
        );
      }
      // On stdio, a signal leaves the client there to hear: the calls running are answered before the pipe closes.
      // Stdin closed, the client has gone; they are stopped as the server closes, and audited.
      if (!http && why !== STDIN_CLOSED) {
        await Promise.race([factory.close().catch(() => {}), sleep(FLUSH_MS)]);
        // The SDK writes each answer some promise steps after its call ends, and would drop it once the pipe is closed.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await server.close();
    },
    logger,
    server.watchStdin,
  );
  if (server.audit || server.access || server.tlsFiles) {
    const file = server.auditTarget?.trim();
    const audit = server.audit && file && file !== "stderr" ? { log: server.audit, target: file } : undefined;
    const tls = http && server.tlsFiles ? { files: server.tlsFiles, endpoint: http } : undefined;
    installReload({ audit, access: server.access, choice: server.choice, tls }, logger);
  }
}

/** What SIGHUP acts on: the audit log, and the access files `access.reload()` re-reads. */
export interface Reloadable {
  /** The audit trail written to a file, and that file's path. */
  audit?: { log: AuditLog; target: string } | undefined;
  access?: OpenedAccess | undefined;
  /** How access was configured: which files its reload re-reads. */
  choice?: AccessChoice | undefined;
  /** The HTTPS endpoint and the certificate and key files it serves. */
  tls?: { files: TlsFiles; endpoint: Pick<HttpEndpoint, "setTls"> } | undefined;
}

/** The files SIGHUP re-reads, as the log names them. */
function filesOf(choice: AccessChoice | undefined): string[] {
  return [
    ...(choice?.auth.mode === "tokens" ? [`the tokens file ${choice.auth.file}`] : []),
    ...(choice?.policyFile ? [`the policy file ${choice.policyFile}`] : []),
  ];
}

/** What a failed re-read leaves in force, as the log names it: only what is configured (no tokens with OAuth). */
function keptOf(choice: AccessChoice | undefined): string {
  const kept = [...(choice?.auth.mode === "tokens" ? ["tokens"] : []), ...(choice?.policyFile ? ["policy"] : [])];
  return kept.join(" and ");
}

/**
 * SIGHUP, as daemons take it: reopen the audit log (logrotate has moved it) and re-read the tokens and policy
 * files. A file that no longer parses is reported, and the previous contents stay in force; one line says what was
 * done.
 */
export function installReload(reloadable: Reloadable, logger: Logger): void {
  process.on("SIGHUP", () => void reloadFiles(reloadable, logger));
}

/** What one SIGHUP does, and the lines it logs; it never throws (a failure is logged). */
export async function reloadFiles({ audit, access, choice, tls }: Reloadable, logger: Logger): Promise<void> {
  const accessFiles = filesOf(choice);
  if (!audit && !tls && (!access || accessFiles.length === 0)) {
    logger.info(
      "SIGHUP: nothing to reopen or re-read (no --audit-log file, --tokens-file, --auth-policy or --tls-cert)",
    );
    return;
  }
  // A log that cannot be reopened has said why (its onError); it goes on in the file it had open.
  const done = audit?.log.reopen() ? [`reopened the audit log ${audit.target}`] : [];
  let failure: Error | undefined;
  if (access && accessFiles.length > 0) {
    try {
      await access.reload();
      done.push(`re-read ${accessFiles.join(" and ")}`);
    } catch (error) {
      failure = error as Error;
    }
  }
  let tlsFailure: Error | undefined;
  if (tls) {
    try {
      const { readTlsPair } = await import("./tls-pair.js");
      tls.endpoint.setTls(readTlsPair(tls.files));
      done.push(`re-read the TLS certificate ${tls.files.certFile} and key ${tls.files.keyFile}`);
    } catch (error) {
      tlsFailure = error as Error;
    }
  }
  if (done.length > 0) logger.info(`SIGHUP: ${done.join("; ")}`);
  if (failure) logger.error(`SIGHUP: kept the previous ${keptOf(choice)}: ${failure.message}`);
  if (tlsFailure) logger.error(`SIGHUP: kept the previous TLS certificate: ${tlsFailure.message}`);
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
 * forces the exit; stdin ending again (it reports both "end" and "close") does not, nor does the first signal after
 * it, so a server's close — the SQLite executor checkpointing its WAL, the last spans exported — gets to finish.
 */
export function installShutdown(close: (why: string) => Promise<void>, logger: Logger, watchStdin: boolean): void {
  let stopping = false;
  let signalled = false;
  const stop = (why: string, force: boolean) => {
    if (stopping) {
      // A second Ctrl-C forces. A SIGTERM after stdin closed is the client making sure (the agent sends one 200 ms
      // later): the close under way goes on, within the same 5 s, so the last spans still go out.
      if (force && signalled) {
        // Said, and with the signal's own exit code (128 + its number), as a shell or an orchestrator reads it.
        logger.warn(`stopping at once on a second ${why}: calls still running were cut, unanswered`);
        process.exit(why === "SIGTERM" ? 143 : 130);
      }
      signalled ||= force;
      return;
    }
    stopping = true;
    signalled = force;
    logger.debug(`shutting down (${why})`);
    setTimeout(() => process.exit(0), 5000).unref();
    void close(why).finally(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT", true));
  process.on("SIGTERM", () => stop("SIGTERM", true));
  if (watchStdin) {
    process.stdin.on("end", () => stop(STDIN_CLOSED, false));
    process.stdin.on("close", () => stop(STDIN_CLOSED, false));
  }
}
