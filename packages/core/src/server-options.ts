import type { AccessChoice } from "./access-options.js";
import { selectAccess } from "./access-select.js";
import { type CliValues, UsageError } from "./cli-options.js";
import type { SessionLimits } from "./http-options.js";
import { isLogFormat, isLogLevel, type LogFormat, type LogLevel } from "./logger.js";
import { SERVER_OPTIONS } from "./server-flags.js";
import type { TlsFiles } from "./tls-pair.js";
import { MAX_TIMER_MS, wholeNumberOption } from "./whole-number.js";

// What the options every server accepts (server-flags.ts) decide: where to serve, and how to log.

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

/**
 * The log format asked for, read before the options are parsed, so that a failure to parse them (an unknown flag)
 * is written in it too; text unless json is asked for. The parsed value replaces it, refusing an unknown one.
 */
export function askedLogFormat(argv: readonly string[], env: Record<string, string | undefined>): LogFormat {
  const at = argv.findIndex((arg) => arg === "--log-format" || arg.startsWith("--log-format="));
  const flag = argv[at];
  const asked = at < 0 ? env.MCP_LOG_FORMAT : flag?.includes("=") ? flag.slice(flag.indexOf("=") + 1) : argv[at + 1];
  return asked?.trim().toLowerCase() === "json" ? "json" : "text";
}
