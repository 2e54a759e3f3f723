import { ACCESS_OPTIONS, type AccessChoice } from "./access-options.js";
import { selectAccess } from "./access-select.js";
import { type CliValues, type OptionSpec, UsageError } from "./cli-options.js";
import { SESSION_DEFAULTS, type SessionLimits } from "./http-options.js";
import { isLogFormat, isLogLevel, type LogFormat, type LogLevel } from "./logger.js";
import { MODERN_PROTOCOL_VERSION, SERVED_PROTOCOL_VERSIONS } from "./protocol.js";
import type { TlsFiles } from "./tls-pair.js";
import { MAX_TIMER_MS, wholeNumberOption } from "./whole-number.js";

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
  "tls-cert": {
    type: "string",
    env: "MCP_TLS_CERT",
    valueName: "FILE",
    description:
      "HTTP: serve HTTPS with this PEM certificate (its chain may follow it), with --tls-key; re-read on SIGHUP. Default plain HTTP.",
  },
  "tls-key": {
    type: "string",
    env: "MCP_TLS_KEY",
    valueName: "FILE",
    description: "HTTP: the PEM private key of --tls-cert; re-read on SIGHUP.",
  },
  "trust-proxy": {
    type: "string",
    multiple: true,
    env: "MCP_TRUST_PROXY",
    valueName: "ADDR",
    description:
      "HTTP: a reverse proxy (address, CIDR range, or loopback) whose X-Forwarded-For names the client: a shared token's sessions and streams are then counted, and refusals logged, per client. Default none.",
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
    description:
      "HTTP --stateful: sessions open at once; past it the one idle longest (a minute or more) is closed, else 503.",
  },
  "max-sessions-per-caller": {
    type: "string",
    env: "MCP_MAX_SESSIONS_PER_CALLER",
    default: String(SESSION_DEFAULTS.maxSessionsPerCaller),
    valueName: "N",
    description:
      "HTTP --stateful: sessions one caller (a shared token: one address, see --trust-proxy) may hold; past it its own idlest (a minute or more) is closed, else 429.",
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
    description:
      "HTTP: serve GET /metrics on the MCP port too, to a token with the metrics (mcp:metrics) or writer role.",
  },
  "log-level": {
    type: "string",
    default: "info",
    env: "MCP_LOG_LEVEL",
    valueName: "LEVEL",
    description: "debug, info, warn, error or silent; logs go to stderr.",
  },
  "log-format": {
    type: "string",
    default: "text",
    env: "MCP_LOG_FORMAT",
    valueName: "FORMAT",
    description:
      "text ([name] level: message) or json (one object a line: time, level, logger, message, and trace_id and span_id inside a traced call).",
  },
  ...ACCESS_OPTIONS,
} as const satisfies Record<string, OptionSpec>;

/** The --help text on the protocol, HTTP access and SIGHUP that follows every server's own epilog. */
export const SERVER_HELP =
  `Protocol: MCP ${SERVED_PROTOCOL_VERSIONS.join(", ")}; each client gets the newest it asks for.\n` +
  "HTTP transport: every request to /mcp must carry `Authorization: Bearer <token>` and a Host and Origin it\n" +
  "allows. The token is MCP_AUTH_TOKEN (environment only), one of --tokens-file's, or an OAuth access token from\n" +
  "--issuer for --resource; the server refuses to start without one of them. Roles: reader (read-only tools),\n" +
  "writer (all), and --auth-policy's. GET /healthz needs no token. SIGHUP re-reads the tokens and policy files\n" +
  "and reopens the audit log.\n" +
  "OpenTelemetry: OTEL_EXPORTER_OTLP_ENDPOINT (or its _TRACES_ and _METRICS_ forms) exports spans and metrics over\n" +
  "OTLP/HTTP; OTEL_EXPORTER_OTLP_PROTOCOL (http/protobuf, http/json), OTEL_EXPORTER_OTLP_HEADERS,\n" +
  "OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and OTEL_SDK_DISABLED are read too.";

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
      /** HTTPS: where the certificate and key are (read, and checked to be a pair, in serveTransport). */
      tls?: TlsFiles;
      /** Proxies whose X-Forwarded-For is believed (checked when the HTTP stack loads, in serveTransport). */
      trustProxy: string[];
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
    ...selectTls(values),
    trustProxy: values["trust-proxy"],
    stateful: values.stateful,
    sessions: {
      idleMs: wholeNumberOption(SERVER_OPTIONS, values, "session-idle-ms", { min: 1, max: MAX_TIMER_MS }),
      maxSessions: wholeNumberOption(SERVER_OPTIONS, values, "max-sessions", { min: 1 }),
      maxSessionsPerCaller: wholeNumberOption(SERVER_OPTIONS, values, "max-sessions-per-caller", { min: 1 }),
    },
    ...(metrics ? { metrics } : {}),
  };
}

/** The TLS files: both or neither. */
function selectTls(values: CliValues<typeof SERVER_OPTIONS>): { tls?: TlsFiles } {
  const certFile = values["tls-cert"]?.trim();
  const keyFile = values["tls-key"]?.trim();
  if (!certFile && !keyFile) return {};
  if (!certFile || !keyFile) {
    const [given, missing] = certFile
      ? ["--tls-cert", "--tls-key (MCP_TLS_KEY)"]
      : ["--tls-key", "--tls-cert (MCP_TLS_CERT)"];
    throw new UsageError(`${given} needs ${missing} too: HTTPS takes a certificate and its private key`);
  }
  return { tls: { certFile, keyFile } };
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

/** The log format from options, refusing unknown names. */
export function selectLogFormat(value: string): LogFormat {
  const format = value.trim().toLowerCase();
  if (!isLogFormat(format)) throw new UsageError(`--log-format (MCP_LOG_FORMAT) must be text or json, got "${value}"`);
  return format;
}
