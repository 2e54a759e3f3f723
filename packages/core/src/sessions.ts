import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { NodeStreamableHTTPServerTransport, toWebRequest } from "@modelcontextprotocol/node";
import { type AuthInfo, isInitializeRequest, isLegacyRequest, type McpServer } from "@modelcontextprotocol/server";
import { CallStreams } from "./call-streams.js";
import { allowedOf, callerOf, holderOf } from "./caller.js";
import { type AddressOf, peerAddress } from "./client-address.js";
import { SessionEventStore } from "./event-store.js";
import { rpcError, sendJson } from "./http-json.js";
import { SESSION_DEFAULTS, type SessionLimits } from "./http-options.js";
import { malformedInitialize } from "./invalid-params.js";
import { LogRepeats } from "./log-repeats.js";
import type { Logger } from "./logger.js";
import { type NodeMcpHandler, sdkRequest } from "./node-handler.js";
import type { ServerFactory } from "./server-factory.js";
import { rolesOf, type SessionOwner, sessionRefusal } from "./session-access.js";
import { EndedSessions, unknownSessionMessage } from "./session-gone.js";
import { noRoom, type Occupant, roomFor } from "./session-room.js";
import { optionNames, type SettingNames } from "./setting-names.js";

interface Session extends Occupant, SessionOwner {
  transport: NodeStreamableHTTPServerTransport;
  server: McpServer;
  events: SessionEventStore;
  calls: CallStreams;
}

/**
 * Sessions for 2025-era clients (`--stateful`): one server and one SDK session transport per `initialize`, found
 * again by its Mcp-Session-Id, so those clients get a GET stream for notifications and server-to-client requests
 * (elicitation). 2026-07-28 requests have no sessions; they go to the stateless handler. Idle sessions are closed
 * and the number open is capped, in all and per caller, so forgotten sessions cannot pile up and one caller cannot
 * take them all; at a cap, one idle for a minute makes room. Each session keeps its latest events (event-store.ts), so
 * a client whose stream dropped resumes it with Last-Event-ID and misses nothing.
 */
export class LegacySessions {
  readonly #sessions = new Map<string, Session>();
  readonly #limits: SessionLimits;
  readonly #sweeper: NodeJS.Timeout;
  readonly #ended = new EndedSessions();
  #toldUnknown = false;
  readonly #repeats = new LogRepeats();

  constructor(
    private readonly factory: ServerFactory,
    limits: Partial<SessionLimits> = {},
    private readonly logger: Logger,
    private readonly names: SettingNames = optionNames,
    private readonly addressOf: AddressOf = peerAddress,
  ) {
    this.#limits = { ...SESSION_DEFAULTS, ...limits };
    this.#sweeper = setInterval(() => this.#sweep(), Math.min(60_000, Math.max(1000, this.#limits.idleMs / 4)));
    this.#sweeper.unref();
  }

  /** Log, once a window for each caller, address and session, a request refused as another caller's session's. */
  #warnTaken(req: IncomingMessage, id: string, owner: string | undefined): void {
    const who = callerOf(authInfoOf(req))?.id ?? "an unauthenticated client";
    const from = this.addressOf(req);
    const line = this.#repeats.pass(
      `${who} ${from} ${id}`,
      `refused a request of ${who} from ${from}: HTTP 403: session ${id} belongs to another caller (${owner ?? "unauthenticated"})`,
    );
    if (line) this.logger.warn(line);
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
        const ended = this.#ended.has(id);
        const message = unknownSessionMessage(ended, this.names);
        // Said once: behind a proxy without sticky routing it would be every other request.
        if (!ended && !this.#toldUnknown) {
          this.logger.warn(`answered 404 to ${this.addressOf(req)} for session ${id} (said once): ${message}`);
        }
        this.#toldUnknown ||= !ended;
        return sendJson(res, 404, rpcError(-32001, message));
      }
      const refusal = sessionRefusal(session, authInfoOf(req));
      if (refusal) {
        if (refusal.ended) void this.#drop(id);
        // Another caller holding this session's id (leaked, or a proxy mixing clients up) is the operator's to know.
        else this.#warnTaken(req, id, session.callerId);
        return sendJson(res, refusal.status, rpcError(refusal.code, refusal.message));
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
      // An initialize whose params are wrong is told which, not that the first request must be initialize.
      const malformed = malformedInitialize(body);
      if (malformed) return sendJson(res, 400, rpcError(-32602, malformed.message, undefined, malformed.id));
      // A batch holding initialize never reaches here: the router refuses it (httpRefusals.initializeInBatch).
      return sendJson(
        res,
        400,
        rpcError(-32000, "Bad Request: no Mcp-Session-Id; the first request must be initialize"),
      );
    }
    const authInfo = authInfoOf(req);
    const holder = holderOf(callerOf(authInfo), this.addressOf(req));
    const held = this.#heldBy(holder);
    // The caller's own cap first (its idle session makes room), then the server's (the longest idle one does).
    let full: ReturnType<typeof noRoom> | undefined;
    if (held >= this.#limits.maxSessionsPerCaller && !this.#makeRoom(holder))
      full = noRoom(this.#limits, this.names, held);
    else if (this.#sessions.size >= this.#limits.maxSessions && !this.#makeRoom())
      full = noRoom(this.#limits, this.names);
    if (full) {
      this.logger.warn(`refused a new session of ${holder}: ${full.message}`);
      return sendJson(res, full.status, rpcError(-32000, full.message), { "retry-after": String(full.retryAfterS) });
    }
    const server = this.factory({
      era: "legacy",
      session: true,
      ...(authInfo ? { authInfo } : {}),
    } as Parameters<ServerFactory>[0]);
    const callerId = callerOf(authInfo)?.id;
    const allowed = allowedOf(authInfo);
    const roles = rolesOf(authInfo);
    const events = new SessionEventStore();
    const calls = new CallStreams((eventId) => events.endStream(eventId));
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore: events,
      onsessioninitialized: (sessionId) => {
        this.#sessions.set(sessionId, {
          transport,
          server,
          events,
          calls,
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
    calls.attach(transport);
    await transport.handleRequest(req, res, body);
  }

  /** Sessions `holder` has open. */
  #heldBy(holder: string): number {
    let held = 0;
    for (const session of this.#sessions.values()) if (session.holder === holder) held++;
    return held;
  }

  async #serve(session: Session, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const lastEventId = req.method === "GET" ? req.headers["last-event-id"] : undefined;
    const refusal = typeof lastEventId === "string" ? session.events.resumeVerdict(lastEventId) : undefined;
    // Told here, not by the SDK, whose answers are "Invalid event ID format" (400) or "Error replaying events" (500).
    if (refusal) {
      const line = refusal.expected
        ? undefined
        : this.#repeats.pass(
            `resume ${req.headers["mcp-session-id"]}`,
            `refused to resume a stream of session ${req.headers["mcp-session-id"]}: HTTP ${refusal.status}: ${refusal.message}`,
          );
      if (line) this.logger.warn(line);
      return sendJson(res, refusal.status, rpcError(-32000, refusal.message));
    }
    // A client opening its GET stream afresh has left the one it had, which a dropped Wi-Fi leaves half-open here for
    // minutes: closed (if there is one), so the new one is not refused 409 and given up on by the SDK clients.
    if (req.method === "GET" && lastEventId === undefined) session.transport.closeStandaloneSSEStream();
    session.active++;
    session.lastSeen = Date.now();
    const done = () => {
      session.active--;
      session.lastSeen = Date.now();
    };
    res.once("close", done);
    // A call its client cancels gets no answer, which is what would end its stream: call-streams.ts ends it.
    if (req.method === "POST") session.calls.track(body, res);
    await session.transport.handleRequest(req, res, body);
  }

  async #drop(id: string): Promise<void> {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    this.#ended.add(id);
    this.logger.debug(`session ${id} closed (${this.#sessions.size} open)`);
    await session.server.close().catch(() => {});
  }

  /** Close the session that makes room for a new one (session-room.ts), if there is one. */
  #makeRoom(holder?: string): boolean {
    const now = Date.now();
    const room = roomFor(this.#sessions, now, holder);
    if (!room) return false;
    const [id, session] = room;
    const { maxSessions, maxSessionsPerCaller } = this.#limits;
    const cap =
      holder === undefined
        ? this.names("maxSessions", String(maxSessions))
        : `${this.names("maxSessionsPerCaller", String(maxSessionsPerCaller))} of ${holder}`;
    this.logger.info(
      `session ${id} closed after ${Math.round((now - session.lastSeen) / 1000)} s idle, to make room for a new one (${cap})`,
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
