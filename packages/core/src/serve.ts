import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { ACCESS_OPTIONS, type AccessChoice, selectAccess } from "./access-options.js";
import type { AuditLog } from "./audit-log.js";
import { type CliSpec, type CliValues, formatHelp, type OptionSpec, parseCli, UsageError } from "./cli-options.js";
import { SESSION_DEFAULTS, type SessionLimits } from "./http-options.js";
import type { HttpEndpoint } from "./http-server.js";
import { createLogger, isLogLevel, type Logger, type LogLevel } from "./logger.js";
import type { OpenedMetrics } from "./metrics-http.js";
import type { OpenedAccess } from "./open-access.js";
import { MODERN_PROTOCOL_VERSION, SERVED_PROTOCOL_VERSIONS } from "./protocol.js";
import { errorMessage } from "./results.js";
import { auditedFactory, type ServerFactory } from "./server-factory.js";
import { flagNames } from "./setting-names.js";
import { stdioTransport } from "./stdio-transport.js";
import { type MetricExport, startMetricExport, startTracing, type Tracing } from "./telemetry.js";
import { wholeNumberOption } from "./whole-number.js";

/** Options every server accepts: transport, HTTP address, session mode, log level. */
export const SERVER_OPTIONS = {
  transport: {
    type: "string",
    default: "stdio",
    env: "MCP_TRANSPORT",
    valueName: "stdio|http",
    description: "Serve over stdio or Streamable HTTP.",
  },
  host: {
    type: "string",
    default: "127.0.0.1",
    env: "MCP_HOST",
    valueName: "HOST",
    description: "HTTP: address to listen on.",
  },
  port: {
    type: "string",
    default: "3000",
    env: "MCP_PORT",
    valueName: "N",
    description: "HTTP: port to listen on (0 picks a free one).",
  },
  "allowed-host": {
    type: "string",
    multiple: true,
    env: "MCP_ALLOWED_HOSTS",
    valueName: "HOST",
    description:
      "HTTP: a Host name requests may carry (on a loopback bind, besides loopback names; elsewhere, only these when given).",
  },
  "allowed-origin": {
    type: "string",
    multiple: true,
    env: "MCP_ALLOWED_ORIGINS",
    valueName: "ORIGIN",
    description: "HTTP: a browser Origin (https://app.example.com) allowed besides loopback ones; others get 403.",
  },
  stateful: {
    type: "boolean",
    env: "MCP_HTTP_STATEFUL",
    description: `HTTP: give 2025-era clients sessions (a GET stream for notifications and elicitation); ${MODERN_PROTOCOL_VERSION} is stateless.`,
  },
  "session-idle-ms": {
    type: "string",
    env: "MCP_SESSION_IDLE_MS",
    default: String(SESSION_DEFAULTS.idleMs),
    valueName: "MS",
    description: "HTTP --stateful: close a session after this long without a request.",
  },
  "max-sessions": {
    type: "string",
    env: "MCP_MAX_SESSIONS",
    default: String(SESSION_DEFAULTS.maxSessions),
    valueName: "N",
    description: "HTTP --stateful: sessions open at once; more are refused with 503.",
  },
  "metrics-port": {
    type: "string",
    env: "MCP_METRICS_PORT",
    valueName: "N",
    description: "HTTP: serve Prometheus metrics at GET /metrics on this port of --host, without a token. Default off.",
  },
  metrics: {
    type: "boolean",
    env: "MCP_METRICS",
    description: "HTTP: serve GET /metrics on the MCP port too, behind the same token as /mcp.",
  },
  "log-level": {
    type: "string",
    default: "info",
    env: "MCP_LOG_LEVEL",
    valueName: "LEVEL",
    description: "debug, info, warn, error or silent; logs go to stderr.",
  },
  ...ACCESS_OPTIONS,
} as const satisfies Record<string, OptionSpec>;

const HTTP_HELP =
  `Protocol: MCP ${SERVED_PROTOCOL_VERSIONS.join(", ")}; each client gets the newest it asks for.\n` +
  "HTTP transport: every request to /mcp must carry `Authorization: Bearer <token>` and a Host and Origin it\n" +
  "allows. The token is MCP_AUTH_TOKEN (environment only), one of --tokens-file's, or an OAuth access token from\n" +
  "--issuer for --resource; the server refuses to start without one of them. Roles: reader (read-only tools),\n" +
  "writer (all), and --auth-policy's. GET /healthz needs no token. SIGHUP re-reads the tokens and policy files\n" +
  "and reopens the audit log.";

/** Where to serve: stdio, or HTTP with its address, token, the Hosts and Origins it accepts, and session mode. */
export type TransportChoice =
  | { kind: "stdio" }
  | {
      kind: "http";
      host: string;
      port: number;
      /** Who may call (one token, named tokens, OAuth), with which roles, how much. */
      access: AccessChoice;
      allowedHosts: string[];
      allowedOrigins: string[];
      stateful: boolean;
      sessions: SessionLimits;
      /** Prometheus metrics: on a port of their own, and/or on the MCP port behind its auth. Off when absent. */
      metrics?: MetricsChoice;
    };

/** Where Prometheus metrics are served. */
export interface MetricsChoice {
  port?: number;
  onMcpPort: boolean;
}

/** Decide the transport from parsed options and the environment; throws UsageError with one clear line. */
export function selectTransport(
  values: CliValues<typeof SERVER_OPTIONS>,
  env: Record<string, string | undefined>,
): TransportChoice {
  const kind = values.transport.trim().toLowerCase();
  const metrics = selectMetrics(values);
  if (kind === "stdio") {
    if (metrics)
      throw new UsageError("--metrics-port and --metrics need --transport http (a stdio server has no port)");
    return { kind: "stdio" };
  }
  if (kind !== "http")
    throw new UsageError(`--transport (MCP_TRANSPORT) must be stdio or http, got "${values.transport}"`);
  const port = wholeNumberOption(SERVER_OPTIONS, values, "port", { min: 0, max: 65535 });
  if (port !== 0 && metrics?.port === port) {
    // Else the metrics listener takes the port first, says it serves there, and the MCP one fails with EADDRINUSE.
    throw new UsageError(
      `--metrics-port (MCP_METRICS_PORT) ${port} is also the MCP port (--port); give metrics a port of their own, or use --metrics to serve /metrics on the MCP port behind its token`,
    );
  }
  return {
    kind: "http",
    // Blank is unset, as for the port: Node would take "" as every interface, so MCP_HOST= in a compose file or
    // an env block whose variable is missing would open the server to the network instead of loopback.
    host: values.host.trim() || SERVER_OPTIONS.host.default,
    port,
    access: selectAccess(values, env),
    allowedHosts: values["allowed-host"],
    allowedOrigins: values["allowed-origin"],
    stateful: values.stateful,
    sessions: {
      idleMs: wholeNumberOption(SERVER_OPTIONS, values, "session-idle-ms", { min: 1 }),
      maxSessions: wholeNumberOption(SERVER_OPTIONS, values, "max-sessions", { min: 1 }),
    },
    ...(metrics ? { metrics } : {}),
  };
}

/** The metrics flags; none given is off. */
function selectMetrics(values: CliValues<typeof SERVER_OPTIONS>): MetricsChoice | undefined {
  const given = values["metrics-port"]?.trim();
  if (!given && !values.metrics) return undefined;
  return {
    ...(given ? { port: wholeNumberOption(SERVER_OPTIONS, values, "metrics-port", { min: 0, max: 65535 }) } : {}),
    onMcpPort: values.metrics === true,
  };
}

/** The log level from options, refusing unknown names. */
export function selectLogLevel(value: string): LogLevel {
  const level = value.trim().toLowerCase();
  if (!isLogLevel(level))
    throw new UsageError(`--log-level (MCP_LOG_LEVEL) must be debug, info, warn, error or silent, got "${value}"`);
  return level;
}

/** What a server's bin supplies to runServerCli. */
export interface ServerCli<O extends Record<string, OptionSpec>, C> {
  spec: CliSpec<O>;
  /** The bin's version; a function is read when the server starts (a startup snapshot is made before that). */
  version: string | (() => string);
  /** Turn options into a config; throw for a configuration mistake (reported in one line at start-up). */
  configure(values: CliValues<O & typeof SERVER_OPTIONS>, env: Record<string, string | undefined>): C | Promise<C>;
  /** Build the server factory: one server per stdio connection or HTTP request, sharing what the factory owns. */
  createFactory(config: C, logger: Logger): ServerFactory;
}

/** A started server: how it is served, and how to stop it. */
export interface RunningServer {
  transport: TransportChoice;
  http?: HttpEndpoint;
  /** Where --metrics-port serves Prometheus metrics. */
  metricsUrl?: URL;
  close(): Promise<void>;
}

/**
 * The whole life of a server bin: parse argv/env, print --help, configure, serve over the chosen
 * transport, and shut down cleanly on SIGINT, SIGTERM or stdin closing. Usage and configuration
 * errors print one line and exit non-zero.
 */
export async function runServerCli<O extends Record<string, OptionSpec>, C>(
  cli: ServerCli<O, C>,
  argv: readonly string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
): Promise<RunningServer | undefined> {
  const spec = {
    ...cli.spec,
    options: { ...cli.spec.options, ...SERVER_OPTIONS },
    epilog: [cli.spec.epilog, HTTP_HELP].filter(Boolean).join("\n\n"),
  } as CliSpec<O & typeof SERVER_OPTIONS>;
  if (buildingSnapshot()) {
    // A startup snapshot is being made (core/build/bundle-bin.mjs --snapshot): warm up in memory now; the server
    // itself runs in each process started from the snapshot, with that process's arguments (its argv has no
    // script path) and environment.
    process
      .getBuiltinModule("node:v8")
      .startupSnapshot.setDeserializeMainFunction(() => void runServerCli(cli, process.argv.slice(1), process.env));
    const { warmUpForSnapshot } = await import("./snapshot.js");
    await warmUpForSnapshot(cli as unknown as ServerCli<never, unknown>, spec as CliSpec, argv, env);
    return undefined;
  }
  let logger: Logger;
  let transport: TransportChoice;
  let config: C;
  let auditTarget: string | undefined;
  let traces: Tracing;
  try {
    const parsed = parseCli(spec, argv, env);
    if (parsed.help) {
      process.stdout.write(formatHelp(spec as CliSpec));
      return undefined;
    }
    if (parsed.version) {
      process.stdout.write(`${cli.spec.name} ${versionOf(cli)}\n`);
      return undefined;
    }
    if (parsed.positionals.length > 0)
      throw new UsageError(`unexpected argument "${parsed.positionals[0]}" (see --help)`);
    const common = parsed.values as unknown as CliValues<typeof SERVER_OPTIONS>;
    logger = createLogger(cli.spec.name, selectLogLevel(common["log-level"]));
    transport = selectTransport(common, env);
    auditTarget = common["audit-log"];
    config = await cli.configure(parsed.values, env);
    traces = await startTracing(env, cli.spec.name, versionOf(cli), (line) => logger.warn(line));
  } catch (error) {
    process.stderr.write(`${cli.spec.name}: ${errorMessage(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
    return undefined;
  }

  let factory: ServerFactory;
  let http: HttpEndpoint | undefined;
  let stdio: { close(): Promise<void> } | undefined;
  let metrics: OpenedMetrics | undefined;
  let audit: AuditLog | undefined;
  let access: OpenedAccess | undefined;
  try {
    audit = await openAudit(auditTarget, logger);
    if (transport.kind === "http") {
      const { openAccess } = await import("./open-access.js");
      access = await openAccess(transport.access, logger);
    }
  } catch (error) {
    process.stderr.write(`${cli.spec.name}: ${errorMessage(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
    await audit?.close();
    return undefined;
  }
  let metricExport: MetricExport;
  try {
    factory = cli.createFactory(config, logger);
    metricExport = await startMetricExport(env, cli.spec.name, versionOf(cli), factory.stats, (line) =>
      logger.warn(line),
    );
  } catch (error) {
    process.stderr.write(`${cli.spec.name}: ${errorMessage(error)}\n`);
    process.exitCode = 1;
    return undefined;
  }
  try {
    if (transport.kind === "stdio") {
      const served = audit ? auditedFactory(factory, audit) : factory;
      stdio = serveStdio(served, {
        transport: stdioTransport(undefined, (preview, last) =>
          logger.warn(
            `stdin: skipped a line that is not JSON-RPC (${preview}); stdio carries one JSON message per line, so something else may be writing to this server's stdin${last ? " (further such lines are skipped without a word)" : ""}`,
          ),
        ),
        legacy: "serve",
        onerror: (error) => logger.debug(`stdio: ${error.message}`),
      });
      logger.info(`v${versionOf(cli)} ready on stdio`);
    } else {
      // Loaded only when asked for, so a stdio cold start does not pay for the HTTP stack.
      const { serveHttp } = await import("./http-server.js");
      if (transport.metrics) {
        // prom-client is loaded only for a server asked to serve metrics.
        const { openMetrics } = await import("./metrics-http.js");
        const { port } = transport.metrics;
        metrics = await openMetrics(
          factory.stats,
          { host: transport.host, ...(port !== undefined ? { port } : {}) },
          logger,
        );
      }
      const { metrics: metricsChoice, ...serving } = transport;
      http = await serveHttp(factory, {
        ...serving,
        ...(metrics && metricsChoice?.onMcpPort ? { metrics: metrics.metrics } : {}),
        ...(access ? { auth: access.auth, policy: access.policy, limits: access.limits } : {}),
        ...(audit ? { audit } : {}),
        logger,
        settingNames: flagNames(spec.options),
      });
    }
  } catch (error) {
    process.stderr.write(`${cli.spec.name}: could not start: ${errorMessage(error)}\n`);
    await metrics?.close();
    await factory.close();
    await audit?.close();
    process.exitCode = 1;
    return undefined;
  }
  factory.warm?.();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await http?.close();
      await metrics?.close();
      await stdio?.close();
      await factory.close();
      await audit?.close();
      await metricExport.shutdown();
      await traces.shutdown();
    })();
    return closing;
  };
  installShutdown(
    async () => {
      // On a signal, as a rolling restart sends it: the calls already running are answered first, within limits.
      if (http && !(await http.drain(DRAIN_MS))) {
        logger.warn(`stopping: calls still running after ${DRAIN_MS} ms were cut`);
      }
      await close();
    },
    logger,
    transport.kind === "stdio",
  );
  if (audit || access) installReload(audit, access, logger);
  return { transport, ...(http ? { http } : {}), ...(metrics?.url ? { metricsUrl: metrics.url } : {}), close };
}

/** How long a stopping HTTP server waits for the calls it is answering, inside installShutdown's 5 s. */
const DRAIN_MS = 3000;

function versionOf(cli: { version: string | (() => string) }): string {
  return typeof cli.version === "function" ? cli.version() : cli.version;
}

/** Open the audit trail when asked for (audit-log.ts is loaded only then); a path that cannot be opened is a UsageError. */
async function openAudit(target: string | undefined, logger: Logger): Promise<AuditLog | undefined> {
  const where = target?.trim();
  if (!where) return undefined;
  const { openAuditLog } = await import("./audit-log.js");
  try {
    return openAuditLog(where, (error) => logger.error(`audit log: ${error.message}`));
  } catch (error) {
    throw new UsageError(`--audit-log (MCP_AUDIT_LOG): cannot append to ${where}: ${errorMessage(error)}`);
  }
}

/**
 * SIGHUP, as daemons take it: reopen the audit log (logrotate has moved it) and re-read the tokens and policy
 * files. A file that no longer parses is reported, and the previous contents stay in force.
 */
function installReload(audit: AuditLog | undefined, access: OpenedAccess | undefined, logger: Logger): void {
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
function buildingSnapshot(): boolean {
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
function installShutdown(close: () => Promise<void>, logger: Logger, watchStdin: boolean): void {
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
