// What one request to a Streamable HTTP endpoint goes through before the SDK's handler sees it, in order: the open
// paths (/healthz, the OAuth metadata), the Host and Origin check, CORS, the caller, /metrics, the method, the
// MCP-Protocol-Version header, the body, and the caller's roles and limits. serveHttp (http-server.ts) builds what
// it needs once and listens.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isJsonContentType } from "@modelcontextprotocol/server";
import { setHeader, widenedAccept } from "./accept-header.js";
import type { Authenticator } from "./auth.js";
import type { Caller } from "./caller.js";
import type { AddressOf } from "./client-address.js";
import { corsAllowed, corsHeaders, isPreflight, preflightHeaders } from "./cors.js";
import type { accessGate } from "./http-access.js";
import { dropUnreadBody, readJsonBody, tooLargeUpfront } from "./http-body.js";
import { expectsContinue } from "./http-continue.js";
import { checkRequest, type HttpGuardPolicy, namedHost } from "./http-guard.js";
import { rpcError, sendJson, sendResponse } from "./http-json.js";
import { MAX_BATCH_MESSAGES } from "./http-options.js";
import { type HttpRefusal, httpRefusals, refuseHttp } from "./http-refusal.js";
import type { HttpServeOptions } from "./http-serve-options.js";
import { jsonRpcProblem, requestIdOf } from "./json-rpc-shape.js";
import { LogRepeats } from "./log-repeats.js";
import type { Logger } from "./logger.js";
import type { ServerMetrics } from "./metrics.js";
import { isOAuthDiscoveryPath, noOAuthAnswer } from "./no-oauth.js";
import type { NodeMcpHandler } from "./node-handler.js";
import { isServedProtocolVersion, MODERN_PROTOCOL_VERSION } from "./protocol.js";
import type { ServerFactory } from "./server-factory.js";
import type { LegacySessions } from "./sessions.js";
import { optionNames } from "./setting-names.js";

/** What an endpoint's requests are checked against and handed to, built once by serveHttp. */
export interface RouteContext {
  factory: ServerFactory;
  options: HttpServeOptions;
  /** The MCP endpoint's path. */
  path: string;
  auth: Authenticator;
  gate: ReturnType<typeof accessGate>;
  guard: HttpGuardPolicy;
  metrics: ServerMetrics | undefined;
  logger: Logger;
  addressOf: AddressOf;
  /** The 2025-era sessions, with --stateful. */
  sessions: LegacySessions | undefined;
  /** The SDK's handler, for stateless requests. */
  modern: NodeMcpHandler;
  /** Leave a listen stream out of what stopping waits for. */
  untrack(res: ServerResponse): void;
}

/** Whether a batch member (as sent, unchecked) asks to initialize. */
const isInitialize = (message: unknown) => (message as { method?: unknown } | null)?.method === "initialize";

/** The endpoint's request listener: each request checked in order, then served; a request that throws gets 500. */
export function httpRouter(context: RouteContext): (req: IncomingMessage, res: ServerResponse) => void {
  const { factory, options, path, auth, gate, guard, metrics, logger, addressOf, sessions, modern, untrack } = context;
  // A refusal is logged once a minute per client and cause: a client retrying in a loop would otherwise flood the log.
  const repeats = new LogRepeats();
  // Keyed by what comes before a reason's advice ("…; send it again in 2 s"), which can differ each time.
  const refusal = (level: "info" | "warn", key: string, line: string) => {
    const said = repeats.pass(key.split(";")[0] as string, line);
    if (said !== undefined) logger[level](said);
  };

  // What a URL parser makes of the endpoint's path, when that is the path itself (no dot segments, no escapes to tidy).
  const plainUrl = { pathname: path, search: "" };
  const pathIsPlain = new URL(path, "http://localhost").pathname === path;

  /** The page origin whose browser may read the answers, if the request comes from one allowed to. */
  const corsOrigin = (origin: string | undefined) =>
    origin !== undefined && corsAllowed(origin, options.allowedOrigins ?? []) ? origin : undefined;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = performance.now();
    // Refused at the HTTP layer: answered, traced, and audited (with the caller once known, the body once read).
    const refuse = (refusal: HttpRefusal, caller?: Caller, body?: unknown) => {
      const bytes = refuseHttp(req, res, arrived, refusal, addressOf(req));
      gate.refusedAtDoor(req, arrived, caller, { status: refusal.status, reason: refusal.reason, bytes, body });
      if (refusal.unread) dropUnreadBody(req);
    };
    // The MCP endpoint's own path, sent as it is (nearly every request), is not parsed again.
    const url = req.url === path && pathIsPlain ? plainUrl : new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/healthz" && req.method === "GET") {
      const problem = factory.unhealthy?.();
      return problem
        ? sendJson(res, 503, { status: "unavailable", reason: problem })
        : sendJson(res, 200, { status: "ok" });
    }
    const metadata = auth.resourceMetadata;
    if (metadata?.paths.includes(url.pathname) && req.method === "GET") {
      // Public by design (RFC 9728): how a client finds where to get a token. Browsers may read it too.
      return sendJson(res, 200, metadata.document, { "access-control-allow-origin": "*" });
    }
    const scrape = url.pathname === "/metrics" && req.method === "GET" ? metrics : undefined;
    if (url.pathname !== path && !scrape) {
      if (!metadata && isOAuthDiscoveryPath(url.pathname)) return sendJson(res, 404, noOAuthAnswer(path));
      return sendJson(res, 404, { error: `not found: the MCP endpoint is ${path}` });
    }
    // From here the path is the MCP endpoint or /metrics: refusals are logged under the one asked for.
    const named = namedHost(req.url ?? "/", req.rawHeaders);
    if (!named.ok) return refuse(httpRefusals.hostHeaders(named.reason));
    const verdict = checkRequest({ host: named.host, origin: req.headers.origin }, guard, options.settingNames);
    if (!verdict.ok) {
      const from = addressOf(req);
      refusal(
        "warn",
        // By cause, not reason: the reason quotes the Host or Origin sent, a new key for each one a client makes up.
        `guard ${from} ${verdict.cause}`,
        `refused ${req.method} ${url.pathname} from ${from}: ${verdict.reason}`,
      );
      return refuse(httpRefusals.guard(verdict.cause, verdict.reason));
    }
    // The SDK puts the target after the Host header to make its URL: an absolute-form target (`POST http://h:1/mcp`,
    // as sent to a proxy) made `http://h:1http://h:1/mcp`, which it could not parse, answered 500. Its host is checked.
    if (!(req.url ?? "/").startsWith("/")) req.url = `${url.pathname}${url.search}`;
    const served = sessions ? ["GET", "POST", "DELETE"] : ["POST"];
    const origin = corsOrigin(req.headers.origin);
    if (origin !== undefined && isPreflight(req.method, req.headers)) {
      const asked = req.headers["access-control-request-headers"];
      const privateNetwork = req.headers["access-control-request-private-network"] === "true";
      return void res.writeHead(204, preflightHeaders(origin, asked, served, privateNetwork)).end();
    }
    // A page the guard let in may read every answer of the MCP endpoint, a 401's challenge included; /metrics is
    // Prometheus's, and gives a page nothing to read.
    if (origin !== undefined && !scrape)
      for (const [name, value] of Object.entries(corsHeaders(origin))) res.setHeader(name, value);
    const who = await gate.authenticate(req);
    if (!who.ok) {
      const from = addressOf(req);
      const line = `refused ${req.method} ${url.pathname} from ${from}: HTTP ${who.response.status}: ${who.reason}`;
      refusal(who.noCredentials ? "info" : "warn", `auth ${from} ${who.response.status} ${who.reason}`, line);
      return sendResponse(res, who.response);
    }
    if (scrape) {
      const may = gate.admitScrape(req, who.caller);
      if (!may.ok) {
        logger.warn(`refused GET /metrics of ${who.caller.id}: HTTP ${may.response.status}`);
        return sendResponse(res, may.response);
      }
      res.writeHead(200, { "content-type": scrape.contentType, "cache-control": "no-store" });
      return void res.end(await scrape.scrape());
    }
    if (!scrape && !served.includes(req.method ?? "")) {
      const stateful = sessions ? undefined : (options.settingNames ?? optionNames)("stateful");
      return refuse(httpRefusals.methodNotAllowed(req.method ?? "", stateful), who.caller);
    }
    const version = req.headers["mcp-protocol-version"];
    // Not "the first request must be initialize", which a 2026-07-28 client must never send.
    if (sessions && req.method !== "POST" && version === MODERN_PROTOCOL_VERSION) {
      return refuse(httpRefusals.modernSession(req.method ?? ""), who.caller);
    }
    const unserved = typeof version === "string" && !isServedProtocolVersion(version) ? version : undefined;
    // A POST's is answered once its body is read, with the request's id; a session's GET or DELETE has none.
    if (unserved !== undefined && req.method !== "POST") {
      return refuse(httpRefusals.protocolVersion(unserved), who.caller);
    }
    let body: unknown;
    if (req.method === "POST") {
      // `*/*` (curl's, and many clients' default) takes both answers the SDK may give, which it asks be named.
      const accept = widenedAccept(req.headers.accept);
      if (accept) setHeader(req, "accept", accept);
      if (!isJsonContentType(req.headers["content-type"])) {
        return refuse(httpRefusals.mediaType(), who.caller);
      }
      // A compressed body would be read as text and refused as not UTF-8, which says nothing of the compression.
      const encoding = req.headers["content-encoding"]?.trim().toLowerCase();
      if (encoding && encoding !== "identity") return refuse(httpRefusals.contentEncoding(encoding), who.caller);
      const upfront = tooLargeUpfront(req, factory.largeRequestAdvice);
      if (upfront) return refuse(upfront, who.caller);
      // Admitted so far: a client that waits for it is told to send its body.
      if (expectsContinue(req)) res.writeContinue();
      const read = await readJsonBody(req, factory.largeRequestAdvice);
      if (!read.ok) return refuse(read.refusal, who.caller);
      body = read.value;
      const shape = jsonRpcProblem(body);
      if (shape) return refuse(httpRefusals.notJsonRpc(shape, requestIdOf(body)), who.caller);
      if (unserved !== undefined)
        return refuse(httpRefusals.protocolVersion(unserved, requestIdOf(body)), who.caller, body);
      if (Array.isArray(body) && body.length > MAX_BATCH_MESSAGES) {
        return refuse(httpRefusals.batchTooLarge(body.length), who.caller, body);
      }
      // The SDK would answer "Unsupported protocol version: 2026-07-28", which this server speaks.
      if (Array.isArray(body) && version === MODERN_PROTOCOL_VERSION) {
        return refuse(httpRefusals.modernBatch(), who.caller, body);
      }
      // The 2025 revisions with batches keep initialize out of them; the SDK would say there was more than one.
      if (Array.isArray(body) && body.some(isInitialize)) {
        return refuse(httpRefusals.initializeInBatch(sessions !== undefined), who.caller, body);
      }
      // …and so it would a response, which a 2026-07-28 client never has a request to send.
      if (version === MODERN_PROTOCOL_VERSION && !("method" in (body as object))) {
        return refuse(httpRefusals.modernAnswer(), who.caller, body);
      }
    }
    const access = gate.admit(req, who.caller, who.authInfo, body);
    if (!access.ok) {
      const from = addressOf(req);
      const line = `refused a request of ${who.caller.id} from ${from}: HTTP ${access.response.status}: ${access.reason}`;
      refusal("info", `admit ${who.caller.id} ${from} ${access.response.status} ${access.reason}`, line);
      return sendResponse(res, access.response);
    }
    access.finished(res);
    // A listen stream lasts as long as its client: stopping does not wait for it, and cuts it at the end.
    if (access.stream) untrack(res);
    // nodeMcpHandler and the session transport hand `req.auth` to the SDK as the request's AuthInfo.
    Object.assign(req, { auth: access.authInfo });
    if (sessions) return sessions.route(req, res, body, modern);
    return modern(req, res, body);
  }

  return (req: IncomingMessage, res: ServerResponse) => {
    void route(req, res).catch((error: unknown) => {
      logger.error(`HTTP request failed: ${(error as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, rpcError(-32603, "Internal error"));
      else res.end();
    });
  };
}
