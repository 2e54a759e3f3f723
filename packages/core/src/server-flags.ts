import { ACCESS_OPTIONS } from "./access-options.js";
import type { OptionSpec } from "./cli-options.js";
import { SESSION_DEFAULTS } from "./http-options.js";
import { MODERN_PROTOCOL_VERSION, SERVED_PROTOCOL_VERSIONS } from "./protocol.js";

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
