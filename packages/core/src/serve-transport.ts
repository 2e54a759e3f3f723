import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { AuditLog } from "./audit-log.js";
import { type OptionSpec, UsageError } from "./cli-options.js";
import { allowedHostsProblem } from "./host-entry.js";
import type { HttpEndpoint } from "./http-server.js";
import { listenFailure, type PortSetting } from "./listen-failure.js";
import type { Logger } from "./logger.js";
import type { OpenedMetrics } from "./metrics-http.js";
import type { OpenedAccess } from "./open-access.js";
import { auditedFactory, type ServerFactory } from "./server-factory.js";
import type { TransportChoice } from "./server-options.js";
import { flagNames } from "./setting-names.js";
import { MessageTooLongError, stdioTransport } from "./stdio-transport.js";
import type { TlsPair } from "./tls-pair.js";

/** What serving opened: the stdio connection, or the HTTP endpoint and the metrics server. */
export interface Serving {
  stdio?: { close(): Promise<void> };
  http?: HttpEndpoint;
  metrics?: OpenedMetrics;
}

/** What serving needs besides the factory: the opened audit log and access, the logger, the bin's version and flags. */
export interface ServeContext {
  audit: AuditLog | undefined;
  access: OpenedAccess | undefined;
  logger: Logger;
  version: string;
  /** The bin's option table, for naming its flags in HTTP error messages. */
  options: Readonly<Record<string, OptionSpec>>;
  /** HTTPS: the certificate and key checkHttpSettings read. */
  tls?: TlsPair | undefined;
}

/** Serve the factory over the chosen transport; a metrics server opened before a failure is closed again. */
export async function serveTransport(
  transport: TransportChoice,
  factory: ServerFactory,
  { audit, access, logger, version, options, tls }: ServeContext,
): Promise<Serving> {
  if (transport.kind === "stdio") {
    const served = audit ? auditedFactory(factory, audit) : factory;
    const stdio = serveStdio(served, {
      transport: stdioTransport(
        undefined,
        (preview, last) =>
          logger.warn(
            `stdin: skipped a line that is not JSON-RPC (${preview}); stdio carries one JSON message per line, so something else may be writing to this server's stdin${last ? " (further such lines are skipped without a word)" : ""}`,
          ),
        factory.largeRequestAdvice,
      ),
      legacy: "serve",
      // A message over the limit ends the connection: say why where the client's logs show the server's stderr.
      onerror: (error) =>
        error instanceof MessageTooLongError
          ? logger.error(`stdio: ${error.message}`)
          : logger.debug(`stdio: ${error.message}`),
    });
    logger.info(`v${version} ready on stdio`);
    return { stdio };
  }
  // The tools are known only now: a policy role with a typo for one of them stops start-up here.
  access?.checkNames(factory.offered);
  let metrics: OpenedMetrics | undefined;
  const setting = (name: string): PortSetting => ({
    flag: `--${name}`,
    ...(options[name]?.env ? { env: options[name]?.env } : {}),
  });
  try {
    // Loaded only when asked for, so a stdio cold start does not pay for the HTTP stack.
    const { serveHttp } = await import("./http-server.js");
    if (transport.metrics) {
      // prom-client is loaded only for a server asked to serve metrics.
      const { openMetrics } = await import("./metrics-http.js");
      const { port } = transport.metrics;
      metrics = await openMetrics(
        factory.stats,
        {
          host: transport.host,
          ...(port !== undefined ? { port } : {}),
          allowedHosts: transport.allowedHosts,
          allowedOrigins: transport.allowedOrigins,
          settingNames: flagNames(options),
        },
        logger,
      ).catch((error: unknown) => {
        throw listenFailure(error, port ?? 0, transport.host, setting("metrics-port"));
      });
    }
    const { host, port, allowedHosts, allowedOrigins, trustProxy, stateful, sessions } = transport;
    const http = await serveHttp(factory, {
      host,
      port,
      allowedHosts,
      allowedOrigins,
      trustProxy,
      ...(tls ? { tls } : {}),
      stateful,
      ...(stateful ? { sessions } : {}),
      ...(metrics && transport.metrics?.onMcpPort ? { metrics: metrics.metrics } : {}),
      ...(access ? { auth: access.auth, policy: access.policy, limits: access.limits } : {}),
      ...(audit ? { audit } : {}),
      logger,
      settingNames: flagNames(options),
    }).catch((error: unknown) => {
      throw listenFailure(error, port, host, setting("port"));
    });
    return { http, ...(metrics ? { metrics } : {}) };
  } catch (error) {
    await metrics?.close();
    throw error;
  }
}

/**
 * What HTTP serving needs from files and lists, checked as the options are, before anything is opened (a database, an
 * audit log): the allowed Hosts, the trusted proxies, and the certificate and key, read. A mistake is a UsageError
 * naming its flag.
 */
export async function checkHttpSettings(
  transport: Extract<TransportChoice, { kind: "http" }>,
): Promise<{ tls?: TlsPair }> {
  const badHost = allowedHostsProblem(transport.allowedHosts);
  if (badHost) throw new UsageError(`--allowed-host (MCP_ALLOWED_HOSTS): ${badHost}`);
  if (transport.trustProxy.length > 0) {
    const { trustProxyProblem } = await import("./client-address.js");
    const untrusted = trustProxyProblem(transport.trustProxy);
    if (untrusted) throw new UsageError(`--trust-proxy (MCP_TRUST_PROXY): ${untrusted}`);
  }
  if (!transport.tls) return {};
  const { readTlsPair } = await import("./tls-pair.js");
  try {
    return { tls: readTlsPair(transport.tls) };
  } catch (error) {
    throw new UsageError(`--tls-cert (MCP_TLS_CERT), --tls-key (MCP_TLS_KEY): ${(error as Error).message}`);
  }
}
