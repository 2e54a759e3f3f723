import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { NodeStreamableHTTPServerTransport, toWebRequest } from "@modelcontextprotocol/node";
import { type AuthInfo, isInitializeRequest, isLegacyRequest, type McpServer } from "@modelcontextprotocol/server";
import { allowedOf, callerOf, holderOf } from "./caller.js";
import { rpcError, sendJson } from "./http-json.js";
import { SESSION_DEFAULTS, type SessionLimits } from "./http-options.js";
import type { Logger } from "./logger.js";
import { type NodeMcpHandler, sdkRequest } from "./node-handler.js";
import type { ServerFactory } from "./server-factory.js";
import { optionNames, type SettingNames } from "./setting-names.js";

/** How long a session must have been idle to be closed for a new one when --max-sessions are open. */
const MAKE_ROOM_IDLE_MS = 60_000;

interface Session {
  transport: NodeStreamableHTTPServerTransport;
  server: McpServer;
  /** Who opened it: only that caller may use it. */
  callerId: string | undefined;
  /** Whom it counts against for --max-sessions-per-caller: the caller, or for a shared token its address. */
  holder: string;
  /** What the caller's roles allowed when it opened: its server offers just that, for its whole life. */
  allowed: ReadonlySet<string> | undefined;
  roles: readonly string[];
  lastSeen: number;
  /** Requests (or open GET streams) in progress: a busy session is never idle. */
  active: number;
}

/**
 * Sessions for 2025-era clients (`--stateful`): one server and one SDK session transport per `initialize`, found
 * again by its Mcp-Session-Id, so those clients get a GET stream for notifications and server-to-client requests
 * (elicitation). 2026-07-28 requests have no sessions; they go to the stateless handler. Idle sessions are closed
 * and the number open is capped, in all and per caller, so forgotten sessions cannot pile up and one caller cannot
 * take them all; at a cap, one idle for a minute makes room.
 */
export class LegacySessions {
  readonly #sessions = new Map<string, Session>();
  readonly #limits: SessionLimits;
  readonly #sweeper: NodeJS.Timeout;

  constructor(
    private readonly factory: ServerFactory,
    limits: Partial<SessionLimits> = {},
    private readonly logger: Logger,
    private readonly names: SettingNames = optionNames,
  ) {
    this.#limits = { ...SESSION_DEFAULTS, ...limits };
    this.#sweeper = setInterval(() => this.#sweep(), Math.min(60_000, Math.max(1000, this.#limits.idleMs / 4)));
    this.#sweeper.unref();
  }

  /** Open sessions right now. */
  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Serve one request (a POST's `body` already read and parsed): a session's own, a new session's `initialize`, or
   * a 2026-07-28 request (to `modern`).
   */
  async route(req: IncomingMessage, res: ServerResponse, body: unknown, modern: NodeMcpHandler): Promise<void> {
    const id = req.headers["mcp-session-id"];
    if (typeof id === "string") {
      const session = this.#sessions.get(id);
      if (!session) {
        return sendJson(res, 404, rpcError(-32001, "Session not found: it expired or was closed; initialize again"));
      }
      const authInfo = authInfoOf(req);
      if (session.callerId !== callerOf(authInfo)?.id) {
        return sendJson(res, 403, rpcError(-32000, "Forbidden: this session belongs to another caller"));
      }
      // A step-up token (or a SIGHUP re-read of the roles) allows other tools than the session's server offers:
      // ended, with a 404 that makes the client initialize a session with what its token allows now.
      if (!sameNames(session.allowed, allowedOf(authInfo))) {
        void this.#drop(id);
        const now = rolesOf(authInfo);
        return sendJson(
          res,
          404,
          rpcError(
            -32001,
            `Session ended: it was opened with the roles ${listed(session.roles)} and this request's token has ${listed(now)}; a session offers what its roles allowed when it opened, so initialize again`,
          ),
        );
      }
      return this.#serve(session, req, res, body);
    }
    if (req.method !== "POST") {
      return sendJson(
        res,
        400,
        rpcError(-32000, "Bad Request: no Mcp-Session-Id; the first request must be initialize"),
      );
    }
    const request = await toWebRequest(sdkRequest(req), body);
    if (!(await isLegacyRequest(request, body))) return modern(req, res, body);
    if (!isInitializeRequest(body)) {
      return sendJson(
        res,
        400,
        rpcError(-32000, "Bad Request: no Mcp-Session-Id; the first request must be initialize"),
      );
    }
    const authInfo = authInfoOf(req);
    const holder = holderOf(callerOf(authInfo), req.socket.remoteAddress);
    const held = this.#heldBy(holder);
    if (held >= this.#limits.maxSessionsPerCaller && !this.#makeRoom(holder)) {
      this.logger.warn(`refused a new session of ${holder}: ${held} open (max-sessions-per-caller)`);
      return sendJson(
        res,
        429,
        rpcError(
          -32000,
          `Too many sessions: this caller has ${held} open, the most one caller may (${this.names("maxSessionsPerCaller")}); end one it no longer uses (DELETE), or wait: ${this.#closing()}`,
        ),
        { "retry-after": String(this.#retryS()) },
      );
    }
    if (this.#sessions.size >= this.#limits.maxSessions && !this.#makeRoom()) {
      this.logger.warn(`refused a new session: ${this.#sessions.size} open (--max-sessions)`);
      const open = this.#limits.maxSessions;
      return sendJson(
        res,
        503,
        rpcError(
          -32000,
          `Too many sessions: ${open} ${open === 1 ? "is" : "are"} open (--max-sessions); idle ones close after ${this.#idleS()} s`,
        ),
        { "retry-after": String(this.#retryS()) },
      );
    }
    const server = this.factory({
      era: "legacy",
      session: true,
      ...(authInfo ? { authInfo } : {}),
    } as Parameters<ServerFactory>[0]);
    const callerId = callerOf(authInfo)?.id;
    const allowed = allowedOf(authInfo);
    const roles = rolesOf(authInfo);
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => {
        this.#sessions.set(sessionId, {
          transport,
          server,
          callerId,
          holder,
          allowed,
          roles,
          lastSeen: Date.now(),
          active: 0,
        });
        this.logger.debug(`session ${sessionId} opened (${this.#sessions.size} open)`);
      },
      onsessionclosed: (sessionId) => void this.#drop(sessionId),
    });
    transport.onclose = () => {
      if (transport.sessionId) void this.#drop(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** Sessions `holder` has open. */
  #heldBy(holder: string): number {
    let held = 0;
    for (const session of this.#sessions.values()) if (session.holder === holder) held++;
    return held;
  }

  /** The idle time after which a session closes, in whole seconds (at least 1). */
  #idleS(): number {
    return Math.max(1, Math.ceil(this.#limits.idleMs / 1000));
  }

  /** When to try again for a session: an idle one is gone within one idle time, or makes room once idle a minute. */
  #retryS(): number {
    return Math.min(this.#idleS(), MAKE_ROOM_IDLE_MS / 1000);
  }

  /** How sessions close by themselves, for a refusal. */
  #closing(): string {
    return `one idle ${MAKE_ROOM_IDLE_MS / 1000} s makes room, and idle ones close after ${this.#idleS()} s`;
  }

  async #serve(session: Session, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    session.active++;
    session.lastSeen = Date.now();
    const done = () => {
      session.active--;
      session.lastSeen = Date.now();
    };
    res.once("close", done);
    await session.transport.handleRequest(req, res, body);
  }

  async #drop(id: string): Promise<void> {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    this.logger.debug(`session ${id} closed (${this.#sessions.size} open)`);
    await session.server.close().catch(() => {});
  }

  /**
   * At --max-sessions, close the session idle longest (at a caller's --max-sessions-per-caller, the longest idle of
   * `holder`'s own), if no request has come for a minute: the SDK clients (v1 and
   * v2) do not end their session when they close, so a run of short-lived clients left the table full of sessions
   * nobody would use again, and every new client was refused with 503 until they idled out (30 min by default).
   */
  #makeRoom(holder?: string): boolean {
    let oldest: [string, Session] | undefined;
    for (const entry of this.#sessions) {
      if (holder !== undefined && entry[1].holder !== holder) continue;
      if (entry[1].active === 0 && (!oldest || entry[1].lastSeen < oldest[1].lastSeen)) oldest = entry;
    }
    if (!oldest) return false;
    const [id, session] = oldest;
    const idleMs = Date.now() - session.lastSeen;
    if (idleMs < MAKE_ROOM_IDLE_MS) return false;
    this.logger.info(
      `session ${id} closed after ${Math.round(idleMs / 1000)} s idle, to make room for a new one (${holder === undefined ? "--max-sessions" : `max-sessions-per-caller of ${holder}`})`,
    );
    void this.#drop(id);
    return true;
  }

  #sweep(): void {
    const cutoff = Date.now() - this.#limits.idleMs;
    for (const [id, session] of this.#sessions) {
      if (session.active === 0 && session.lastSeen < cutoff) {
        this.logger.info(`session ${id} expired after ${Math.round(this.#limits.idleMs / 1000)} s idle`);
        void this.#drop(id);
      }
    }
  }

  /** Close every session. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await Promise.allSettled([...this.#sessions.keys()].map((id) => this.#drop(id)));
  }
}

/** The AuthInfo the access gate put on the request. */
function authInfoOf(req: IncomingMessage): AuthInfo | undefined {
  return (req as IncomingMessage & { auth?: AuthInfo }).auth;
}

function rolesOf(authInfo: AuthInfo | undefined): string[] {
  return [...(callerOf(authInfo)?.roles ?? [])].sort();
}

const listed = (roles: readonly string[]) => (roles.length > 0 ? roles.join(", ") : "(none)");

function sameNames(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  if (!a || !b) return a === b;
  return a.size === b.size && [...a].every((name) => b.has(name));
}
