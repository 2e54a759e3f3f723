import { createServer } from "node:http";
import type { Server as TlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { guardedAuditLog } from "./audit-guard.js";
import { type Authenticator, sharedTokenAuthenticator } from "./auth.js";
import { EMPTY_POLICY } from "./auth-roles.js";
import { CallerLimits } from "./caller-limits.js";
import { clientAddressOf, trustedPeer, unforwardedWarning } from "./client-address.js";
import { capConnections } from "./connection-cap.js";
import { drainable } from "./drain.js";
import { accessGate } from "./http-access.js";
import { answerClientErrors } from "./http-client-error.js";
import { continueOnAdmission } from "./http-continue.js";
import { guardPolicy, refusedHost } from "./http-guard.js";
import { MAX_CONNECTIONS_PER_ADDRESS, MAX_HTTP_BODY_BYTES } from "./http-options.js";
import { httpRouter } from "./http-route.js";
import { checkServeHttpOptions, type HttpEndpoint, type HttpServeOptions } from "./http-serve-options.js";
import { ListenBus } from "./listen-bus.js";
import { silentLogger } from "./logger.js";
import { nodeMcpHandler } from "./node-handler.js";
import { SERVED_PROTOCOL_VERSIONS } from "./protocol.js";
import { auditedFactory, type ServerFactory } from "./server-factory.js";
import { LegacySessions } from "./sessions.js";
import { optionNames } from "./setting-names.js";
import { tlsPairProblem } from "./tls-pair.js";
import { shortTokenWarning } from "./token-length.js";

export { isAuthorized } from "./bearer.js";
export type { HttpEndpoint, HttpServeOptions } from "./http-serve-options.js";

/**
 * Serve MCP over Streamable HTTP on `path`, both protocol eras, with the checks the spec requires in front of the
 * SDK's handler (http-route.ts): Host and Origin (403), the caller (401), its roles (403) and limits (429), the
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
  const logger = options.logger ?? silentLogger;
  let unforwarded = false;
  const addressOf = clientAddressOf(options.trustProxy, (proxy) => {
    if (unforwarded) return;
    unforwarded = true;
    logger.warn(unforwardedWarning(proxy, (options.settingNames ?? optionNames)("trustProxy")));
  });
  // prom-client is loaded only for an endpoint asked to serve metrics.
  const metrics =
    options.metrics === true
      ? (await import("./metrics.js")).createMetrics(factory.stats)
      : options.metrics || undefined;
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

  const serveRequest = httpRouter({
    factory,
    options,
    path,
    auth,
    gate,
    guard,
    metrics,
    logger,
    addressOf,
    sessions,
    modern,
    untrack: (res) => stopping.untrack(res),
  });
  // node:https (and node:tls) are loaded only for an endpoint that serves TLS.
  const httpServer = options.tls
    ? process
        .getBuiltinModule("node:https")
        .createServer({ cert: options.tls.cert, key: options.tls.key }, serveRequest)
    : createServer(serveRequest);
  // A client that fails the handshake (plain HTTP on the TLS port, a certificate it does not trust) is its own
  // problem; it is logged where a diagnosis needs it. (A plain server never emits it.)
  continueOnAdmission(httpServer);
  httpServer.on("tlsClientError", (error: Error) => logger.debug(`TLS handshake failed: ${error.message}`));
  answerClientErrors(httpServer, logger);
  capConnections(httpServer, {
    limit: MAX_CONNECTIONS_PER_ADDRESS,
    trusted: trustedPeer(options.trustProxy),
    logger,
    trustProxy: (options.settingNames ?? optionNames)("trustProxy"),
    tls: options.tls !== undefined,
  });
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
