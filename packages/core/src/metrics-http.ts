import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkRequest, guardPolicy, isLoopbackHost } from "./http-guard.js";
import { LogRepeats } from "./log-repeats.js";
import type { Logger } from "./logger.js";
import { createMetrics, type ServerMetrics } from "./metrics.js";
import type { SettingNames } from "./setting-names.js";
import type { ToolStats } from "./tool-stats.js";

/** Send a scrape. */
export async function sendMetrics(res: ServerResponse, metrics: ServerMetrics): Promise<void> {
  const body = await metrics.scrape();
  res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" }).end(body);
}

/** Metrics being served: on the MCP port (behind its auth), on a port of their own, or both. */
export interface OpenedMetrics {
  metrics: ServerMetrics;
  /** The metrics port's URL, when one was asked for. */
  url?: URL;
  close(): Promise<void>;
}

/** Where the metrics port listens, and the Host and Origin names the MCP port allows besides loopback ones. */
export interface MetricsPlace {
  host: string;
  port?: number;
  allowedHosts?: readonly string[];
  allowedOrigins?: readonly string[];
  /** The bin's names for those settings, for the 403's advice. */
  settingNames?: SettingNames;
}

/**
 * Start recording metrics and, when `port` is given, serve `GET /metrics` on it at `host` — with no token, as
 * Prometheus scrapes, so it is opened only by that explicit flag, on the MCP bind address (loopback by default).
 */
export async function openMetrics(stats: ToolStats, where: MetricsPlace, logger: Logger): Promise<OpenedMetrics> {
  const metrics = createMetrics(stats);
  if (where.port === undefined) return { metrics, close: async () => metrics.close() };
  // On loopback, the MCP port's Host and Origin checks: else a page that rebinds a name of its own to 127.0.0.1 reads
  // the metrics, which need no token. Elsewhere a scraper's name for this host is not known, so none is checked.
  const guard = isLoopbackHost(where.host)
    ? guardPolicy(where.host, { hosts: where.allowedHosts ?? [], origins: where.allowedOrigins ?? [] })
    : undefined;
  // Logged once a minute per client and cause, as the MCP port does: a page retrying, or one Host after another,
  // would otherwise write a line per request.
  const repeats = new LogRepeats();
  const server = createServer((req, res) => {
    const verdict = guard && checkRequest(req.headers, guard, where.settingNames);
    if (verdict && !verdict.ok) {
      // The peer itself, not a forwarded address: this port is scraped directly, never through --trust-proxy's proxy.
      const from = req.socket.remoteAddress;
      const said = repeats.pass(`${from} ${verdict.cause}`, `refused GET /metrics from ${from}: ${verdict.reason}`);
      if (said !== undefined) logger.warn(said);
      res.writeHead(403, { "content-type": "text/plain" }).end(`forbidden: ${verdict.reason}\n`);
      return;
    }
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: metrics are at GET /metrics\n");
      return;
    }
    sendMetrics(res, metrics).catch((error: Error) => {
      logger.error(`metrics: ${error.message}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(where.port, where.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = new URL(`http://${host}:${address.port}/metrics`);
  logger.info(`serving Prometheus metrics at ${url}`);
  return {
    metrics,
    url,
    async close() {
      metrics.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
