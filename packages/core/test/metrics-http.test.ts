import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type Logger, silentLogger } from "../src/logger.js";
import { type OpenedMetrics, openMetrics } from "../src/metrics-http.js";
import { ToolStats } from "../src/tool-stats.js";

// The metrics port needs no token (Prometheus scrapes it), so on loopback it keeps the MCP port's Host and Origin
// checks: a web page must not read it by rebinding a name of its own to 127.0.0.1.

const opened: OpenedMetrics[] = [];
afterEach(async () => {
  for (const metrics of opened.splice(0)) await metrics.close();
});

async function open(
  host: string,
  extra: { allowedHosts?: string[]; allowedOrigins?: string[] } = {},
  logger: Logger = silentLogger,
) {
  const metrics = await openMetrics(new ToolStats(), { host, port: 0, ...extra }, logger);
  opened.push(metrics);
  return metrics.url as URL;
}

/** GET /metrics with these headers (fetch cannot set Host); the status and the body. */
function scrape(url: URL, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the metrics port on loopback", () => {
  it.each([
    ["Prometheus on this host", { host: "localhost:9464" }, 200],
    ["by address", { host: "127.0.0.1:9464" }, 200],
    ["a name rebound to 127.0.0.1", { host: "evil.example:9464" }, 403],
    ["a cross-site page", { host: "127.0.0.1:9464", origin: "http://evil.example" }, 403],
    ["a Host that is not host[:port]", { host: "evil.example@localhost" }, 403],
  ])("%s → %s", async (_, headers, status) => {
    const url = await open("127.0.0.1");
    const answer = await scrape(url, headers);
    expect(answer.status).toBe(status);
    if (status === 403) expect(answer.body).toMatch(/^forbidden: (Host|Origin) "/);
    else expect(answer.body).toContain("process_cpu_user_seconds_total");
  });

  it("accepts the names and origins the MCP port allows besides", async () => {
    const url = await open("127.0.0.1", { allowedHosts: ["mcp.internal"], allowedOrigins: ["https://app.example"] });
    expect((await scrape(url, { host: "mcp.internal:9464" })).status).toBe(200);
    expect((await scrape(url, { host: "localhost", origin: "https://app.example" })).status).toBe(200);
  });
});

describe("refusals on the metrics port", () => {
  it("are logged once a minute per client and cause, however many and whatever Host they name", async () => {
    const warnings: string[] = [];
    const url = await open("127.0.0.1", {}, { ...silentLogger, warn: (line) => void warnings.push(line) });
    for (let i = 0; i < 20; i++) expect((await scrape(url, { host: `evil${i % 5}.example` })).status).toBe(403);
    expect((await scrape(url, { host: "localhost", origin: "http://evil.example" })).status).toBe(403);
    expect(warnings).toEqual([
      expect.stringMatching(/^refused GET \/metrics from 127\.0\.0\.1: Host "evil0\.example" is not allowed/),
      expect.stringMatching(/^refused GET \/metrics from 127\.0\.0\.1: Origin "http:\/\/evil\.example" is not allowed/),
    ]);
  });
});
