import { accessSync, constants } from "node:fs";
import { closeConnections, type OpenOptions, openConnections, withoutBusyWait } from "./connections.js";
import { runRequest } from "./engine.js";
import type { Connections, EngineRequest } from "./engine-request.js";
import { fileIdentity, replacedFileMessage } from "./file-identity.js";
import { openProblem } from "./open-problem.js";
import { PARENT_DEATH_SIGNAL_ENV, watchParent } from "./parent-death.js";

/**
 * The executor process: owns the SQLite connections and runs one request at a time. The parent
 * SIGKILLs it when a statement runs past the time limit (nothing in better-sqlite3 can interrupt
 * sqlite3_step), and the OS then releases its locks; SQLite rolls back any half-done transaction.
 */

/** Parent → child: one request. They are sent in arrays, the calls of one turn of the parent's event loop. */
export interface ChildRequest {
  id: number;
  request: EngineRequest;
  /** When the request's time limit ends (Date.now() clock, shared by both processes). */
  endsAt?: number;
}

/** Child → parent: ready once (with an open error, if any), then one reply per request, after its progress. */
export type ChildMessage =
  | { ready: true }
  | { id: number; reply: ReturnType<typeof runRequest> }
  /** A transaction's statement `running` (from 0) has started: if it is stopped there, the message names it. */
  | { id: number; running: number };

/** What the parent passes as argv[2] (JSON). */
export interface ChildConfig extends OpenOptions {
  parentPid: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as ChildConfig;
// The server died before this process could be tied to it: no one is left to serve.
if (process.ppid !== config.parentPid) process.exit(0);
if (process.env[PARENT_DEATH_SIGNAL_ENV] !== "1") watchParent(config.parentPid);

let conns: Connections | undefined;
/** The file the connections opened; a call finding another at its path (or none) is refused. */
let opened: string | undefined;
let openError = "";
let toldOperator = false;
let toldReplaced = false;
const open = (): Connections | undefined => {
  if (conns) return conns;
  try {
    conns = openConnections({ ...config, log: (line) => process.stderr.write(`[mcp-sqlite] warning: ${line}\n`) });
    // Reading the schema fails now, not at the first call, when the file is not a database. Another connection's
    // lock is no reason to wait or fail opening: the call then waits its busy timeout and says the database is locked.
    const { reader } = conns;
    withoutBusyWait(reader, config.busyTimeoutMs, () => reader.prepare("SELECT count(*) FROM sqlite_schema").get());
    opened = fileIdentity(config.path);
  } catch (error) {
    if (conns) closeConnections(conns);
    conns = undefined;
    const { reason, remedy } = openProblem(config.path, error);
    // The model cannot fix the file with SQL (a garbled file passes the start-up header check), so it is told whose it is.
    openError = `could not open the database ${config.path}: ${reason}. Nothing ran: ${remedy} (each call tries to open it again)`;
    // Said once where the operator looks, at start-up, as well as to every call.
    if (!toldOperator)
      process.stderr.write(`[mcp-sqlite] error: could not open the database ${config.path}: ${reason}\n`);
    toldOperator = true;
  }
  return conns;
};
open();
send({ ready: true });

/**
 * SQLite opens a file this user cannot write read-only, without a word, and keeps it so: once a write has failed for
 * it, the connections are opened again as soon as the file can be written, so the server takes writes again.
 */
let openedReadOnly = false;

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Each handle's busy timeout as last set here (a reader reopened after a PRAGMA starts from the configured one). */
const lockWaits = new WeakMap<object, number>();
// Requests come in batches: the calls the server took in one turn of its event loop, sent with one write. (A lone
// request, as an older server sends one, is taken too.)
process.on("message", (batch: ChildRequest[] | ChildRequest) => {
  for (const message of [batch].flat()) answerRequest(message);
});

function answerRequest(message: ChildRequest): void {
  if (openedReadOnly && conns && writable(config.path)) {
    closeConnections(conns);
    conns = undefined;
    openedReadOnly = false;
  }
  const db = open();
  const now = opened === undefined ? undefined : fileIdentity(config.path);
  if (opened !== undefined && now !== opened) {
    const error = replacedFileMessage(config.path, now);
    if (!toldReplaced) process.stderr.write(`[mcp-sqlite] error: ${error}\n`);
    toldReplaced = true;
    send({ id: message.id, reply: { ok: false, error } });
    return;
  }
  // A lock wait ends in half the time left, so it fails as "database is locked", not as a statement too slow.
  const left = message.endsAt === undefined ? Number.POSITIVE_INFINITY : message.endsAt - Date.now();
  const wait = Math.max(0, Math.min(config.busyTimeoutMs, Math.floor(left / 2)));
  for (const handle of db ? [db.reader, db.writer] : []) {
    if (handle && (lockWaits.get(handle) ?? config.busyTimeoutMs) !== wait) {
      handle.pragma(`busy_timeout = ${wait}`);
      lockWaits.set(handle, wait);
    }
  }
  // Sent before each statement runs: the channel writes it at once, though the statement then holds this process.
  const starting = (running: number) => send({ id: message.id, running });
  const reply = db ? runRequest(db, message.request, undefined, starting) : { ok: false as const, error: openError };
  if (!reply.ok && reply.code === "SQLITE_READONLY") openedReadOnly = true;
  send({ id: message.id, reply });
}
process.on("disconnect", () => {
  if (conns) closeConnections(conns);
  process.exit(0);
});

function send(message: ChildMessage): void {
  // The parent may have gone (or closed the channel) while we worked; there is no one left to answer.
  if (process.connected) process.send?.(message, undefined, undefined, () => {});
}
