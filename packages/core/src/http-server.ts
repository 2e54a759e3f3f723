import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Server as TlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createMcpHandler, isJsonContentType } from "@modelcontextprotocol/server";
import { setHeader, widenedAccept } from "./accept-header.js";
import { guardedAuditLog } from "./audit-guard.js";
import { type Authenticator, sharedTokenAuthenticator } from "./auth.js";
import { EMPTY_POLICY } from "./auth-roles.js";
import type { Caller } from "./caller.js";
import { CallerLimits } from "./caller-limits.js";
import { clientAddressOf } from "./client-address.js";
import { corsAllowed, corsHeaders, isPreflight, preflightHeaders } from "./cors.js";
import { drainable } from "./drain.js";
import { accessGate } from "./http-access.js";
import { readJsonBody } from "./http-body.js";
import { answerClientErrors } from "./http-client-error.js";
import { checkRequest, guardPolicy, refusedHost } from "./http-guard.js";
import { rpcError, sendJson, sendResponse } from "./http-json.js";
import { MAX_BATCH_MESSAGES, MAX_HTTP_BODY_BYTES } from "./http-options.js";
import { type HttpRefusal, httpRefusals, refuseHttp } from "./http-refusal.js";
import { checkServeHttpOptions, type HttpEndpoint, type HttpServeOptions } from "./http-serve-options.js";
import { jsonRpcProblem, requestIdOf } from "./json-rpc-shape.js";
import { ListenBus } from "./listen-bus.js";
import { silentLogger } from "./logger.js";
import { nodeMcpHandler } from "./node-handler.js";
import { isServedProtocolVersion, MODERN_PROTOCOL_VERSION, SERVED_PROTOCOL_VERSIONS } from "./protocol.js";
import { auditedFactory, type ServerFactory } from "./server-factory.js";
import { LegacySessions } from "./sessions.js";
import { optionNames } from "./setting-names.js";
import { tlsPairProblem } from "./tls-pair.js";
import { shortTokenWarning } from "./token-length.js";

export { isAuthorized } from "./bearer.js";
export type { HttpEndpoint, HttpServeOptions } from "./http-serve-options.js";

/**
 * Serve MCP over Streamable HTTP on `path`, both protocol eras, with the checks the spec requires in front of the
 * SDK's handler: Host and Origin (403), the caller (401), its roles (403) and limits (429), the
 * MCP-Protocol-Version header (400), the body (413, 415, 400), each refusal a failed span when tracing is on; an
 * open `GET /healthz`, and with OAuth the protected-resource metadata. A client that drops its connection cancels
 * its call.
 */
export async function serveHttp(factory: ServerFactory, options: HttpServeOptions): Promise<HttpEndpoint> {
  // A ready server (createFilesystemServer) serves one connection; it would fail later, deep in the SDK.
  if (typeof factory !== "function" || typeof factory.onResourcesChanged !== "function") {
    throw new TypeError(
      "serveHttp takes a server factory (createFilesystemServerFactory(…), createSqliteServerFactory(…), createHttpServerFactory(…)), not a server: it builds a server per request",
    );
  }
  checkServeHttpOptions(options);
  const addressOf = clientAddressOf(options.trustProxy);
  // prom-client is loaded only for an endpoint asked to serve metrics.
  const metrics =
    options.metrics === true
      ? (await import("./metrics.js")).createMetrics(factory.stats)
      : options.metrics || undefined;
  const logger = options.logger ?? silentLogger;
  const path = options.path ?? "/mcp";
  const chosen =
    options.auth ?? (options.token ? sharedTokenAuthenticator(options.token, "serveHttp's token") : undefined);
  const short = !options.auth && options.token ? shortTokenWarning(options.token, "serveHttp's token") : undefined;
  if (short) logger.warn(short);
  if (!chosen) throw new TypeError("serveHttp needs a token or an authenticator: an open endpoint is not served");
  const auth: Authenticator = chosen;
  const audit = options.audit && guardedAuditLog(options.audit, (line) => logger.warn(line));
  const gate = accessGate({
    auth,
    // The authenticator's own policy, which maps its callers' scopes to roles, unless the caller gave one.
    policy: options.policy ?? auth.policy ?? EMPTY_POLICY,
    limits: new CallerLimits(options.limits ?? {}),
    addressOf,
    offered: factory.offered,
    audit,
    stats: factory.stats,
    redact: factory.redact,
    warn: (line) => logger.warn(line),
  });
  // Each server the SDK asks for is built with the audit trail, so each request it answers writes its line.
  const serve = audit ? auditedFactory(factory, audit) : factory;
  const guard = guardPolicy(options.host, {
    hosts: options.allowedHosts ?? [],
    origins: options.allowedOrigins ?? [],
  });
  // A resource URL the Host check refuses is a server every OAuth client is sent to, and refused by.
  const resource = auth.resourceMetadata?.document.resource;
  const refusedName = typeof resource === "string" ? refusedHost(resource, guard) : undefined;
  if (refusedName) {
    logger.warn(
      `the OAuth resource ${resource} names the host ${refusedName}, which the Host check refuses, so every client using that URL gets 403: add it to ${(options.settingNames ?? optionNames)("allowedHosts")}`,
    );
  }
  const onerror = (error: Error) => logger.debug(`MCP handler: ${error.message}`);
  // Our own bus, so the factory knows while a listen stream is open (a blueprint idles while none is).
  const bus = new ListenBus();
  const handler = createMcpHandler(serve, {
    bus,
    legacy: options.stateful ? "reject" : "stateless",
    maxRequestBodySize: MAX_HTTP_BODY_BYTES,
    onerror,
  });
  const modern = nodeMcpHandler(handler, { maxRequestBodySize: MAX_HTTP_BODY_BYTES, onerror });
  // 2026-07-28 clients listening for changes (subscriptions/listen) hear of them through the handler.
  const unsubscribe = factory.onResourcesChanged(() => void handler.notify.resourcesChanged(), bus.audience);
  const sessions = options.stateful
    ? new LegacySessions(serve, options.sessions, logger, options.settingNames, addressOf)
    : undefined;

  /** The page origin whose browser may read the answers, if the request comes from one allowed to. */
  const corsOrigin = (origin: string | undefined) =>
    origin !== undefined && corsAllowed(origin, options.allowedOrigins ?? []) ? origin : undefined;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = performance.now();
    // Refused at the HTTP layer: answered, traced, and audited (with the caller once known, the body once read).
    const refuse = (refusal: HttpRefusal, caller?: Caller, body?: unknown) => {
      const bytes = refuseHttp(req, res, arrived, refusal);
      gate.refusedAtDoor(req, arrived, caller, { status: refusal.status, reason: refusal.reason, bytes, body });
    };
    const url = new URL(req.url ?? "/", "http://localhost");
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
      return sendJson(res, 404, { error: `not found: the MCP endpoint is ${path}` });
    }
    const verdict = checkRequest({ host: req.headers.host, origin: req.headers.origin }, guard, options.settingNames);
    if (!verdict.ok) {
      logger.warn(`refused ${req.method} ${path} from ${addressOf(req)}: ${verdict.reason}`);
      return refuse(httpRefusals.guard(verdict.cause, verdict.reason));
    }
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
      logger.warn(`refused ${req.method} ${path} from ${addressOf(req)}: HTTP ${who.response.status}: ${who.reason}`);
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
    }
    const access = gate.admit(req, who.caller, who.authInfo, body);
    if (!access.ok) {
      logger.info(
        `refused a request of ${who.caller.id} from ${addressOf(req)}: HTTP ${access.response.status}: ${access.reason}`,
      );
      return sendResponse(res, access.response);
    }
    access.finished(res);
    // A listen stream lasts as long as its client: stopping does not wait for it, and cuts it at the end.
    if (access.stream) stopping.untrack(res);
    // nodeMcpHandler and the session transport hand `req.auth` to the SDK as the request's AuthInfo.
    Object.assign(req, { auth: access.authInfo });
    if (sessions) return sessions.route(req, res, body, modern);
    return modern(req, res, body);
  }

  const serveRequest = (req: IncomingMessage, res: ServerResponse) => {
    void route(req, res).catch((error: unknown) => {
      logger.error(`HTTP request failed: ${(error as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, rpcError(-32603, "Internal error"));
      else res.end();
    });
  };
  // node:https (and node:tls) are loaded only for an endpoint that serves TLS.
  const httpServer = options.tls
    ? process
        .getBuiltinModule("node:https")
        .createServer({ cert: options.tls.cert, key: options.tls.key }, serveRequest)
    : createServer(serveRequest);
  // A client that fails the handshake (plain HTTP on the TLS port, a certificate it does not trust) is its own
  // problem; it is logged where a diagnosis needs it. (A plain server never emits it.)
  httpServer.on("tlsClientError", (error: Error) => logger.debug(`TLS handshake failed: ${error.message}`));
  answerClientErrors(httpServer, logger);
  const stopping = drainable(httpServer);
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = new URL(`${options.tls ? "https" : "http"}://${host}:${address.port}${path}`);
  logger.info(
    `serving MCP over Streamable HTTP at ${url} (${options.stateful ? "stateful for 2025-era clients" : "stateless"}; protocol ${SERVED_PROTOCOL_VERSIONS.join(", ")})`,
  );

  return {
    url,
    server: httpServer,
    setTls(pair) {
      if (!options.tls) throw new TypeError("setTls: this endpoint serves plain HTTP (serveHttp was given no tls)");
      const problem = tlsPairProblem(pair, { cert: "pair.cert", key: "pair.key" });
      if (problem) throw new TypeError(`setTls: ${problem}`);
      (httpServer as TlsServer).setSecureContext({ cert: pair.cert, key: pair.key });
    },
    drain: (ms) => stopping.drain(ms),
    async close() {
      await stopping.close();
      unsubscribe();
      await sessions?.close();
      await handler.close();
      // Metrics it made for itself (metrics: true) are released; ones it was given belong to the caller.
      if (options.metrics === true) metrics?.close();
    },
  };
}
