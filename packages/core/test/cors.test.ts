import { afterEach, describe, expect, it } from "vitest";
import { corsAllowed, corsHeaders, isPreflight, PREFLIGHT_MAX_AGE_S, preflightHeaders } from "../src/cors.js";
import { type HttpEndpoint, serveHttp } from "../src/http-server.js";
import { echoFactory } from "./fixtures.js";
import { TOOLS_LIST_BODY, TOOLS_LIST_HEADERS } from "./modern-request.js";

const TOKEN = "test-token-0123456789";
const PAGE = "http://localhost:6274";
const endpoints: HttpEndpoint[] = [];
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

async function start(options: { stateful?: boolean; allowedOrigins?: string[]; metrics?: boolean } = {}): Promise<URL> {
  const endpoint = await serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN, ...options });
  endpoints.push(endpoint);
  return endpoint.url;
}

const preflight = (url: URL, origin: string, method = "POST", headers = "authorization, content-type") =>
  fetch(url, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
  });

const list = (url: URL, headers: Record<string, string>) =>
  fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...TOOLS_LIST_HEADERS,
      ...headers,
    },
    body: JSON.stringify(TOOLS_LIST_BODY),
  });

describe("cors policy", () => {
  it("tells a preflight what it may send: the served methods, the token, MCP's headers, not others", () => {
    const headers = preflightHeaders(PAGE, "Authorization, Mcp-Method, Mcp-Name, X-Evil", ["POST"]);
    expect(headers).toMatchObject({
      "access-control-allow-origin": PAGE,
      "access-control-allow-methods": "POST",
      "access-control-max-age": String(PREFLIGHT_MAX_AGE_S),
    });
    const allowed = headers["access-control-allow-headers"].split(", ");
    expect(allowed).toEqual(
      expect.arrayContaining(["authorization", "mcp-protocol-version", "mcp-method", "mcp-name"]),
    );
    expect(allowed).not.toContain("x-evil");
    expect(headers).not.toHaveProperty("access-control-allow-private-network");
    expect(preflightHeaders(PAGE, "", ["POST"], true)).toHaveProperty("access-control-allow-private-network", "true");
  });

  it("lets a page send trace context in every format OTEL_PROPAGATORS may name: W3C, B3 single and multi, Jaeger", () => {
    const asked =
      "traceparent, tracestate, baggage, b3, X-B3-TraceId, X-B3-SpanId, X-B3-ParentSpanId, X-B3-Sampled, X-B3-Flags, uber-trace-id";
    const allowed = preflightHeaders(PAGE, asked, ["POST"])["access-control-allow-headers"].split(", ");
    expect(allowed).toEqual(expect.arrayContaining(asked.toLowerCase().split(", ")));
    expect(allowed).not.toContain("x-b3-evil");
  });

  it("lets every answer be read by the page, with the headers a client needs exposed", () => {
    expect(corsHeaders(PAGE)).toEqual({
      "access-control-allow-origin": PAGE,
      "access-control-expose-headers": "mcp-session-id, mcp-protocol-version, www-authenticate, retry-after",
      vary: "Origin",
    });
  });

  it.each<[string | undefined, Record<string, unknown>, boolean]>([
    ["OPTIONS", { origin: PAGE, "access-control-request-method": "POST" }, true],
    ["OPTIONS", { origin: PAGE }, false],
    ["OPTIONS", { "access-control-request-method": "POST" }, false],
    ["POST", { origin: PAGE, "access-control-request-method": "POST" }, false],
  ])("%s with %j is a preflight: %s", (method, headers, expected) => {
    expect(isPreflight(method, headers)).toBe(expected);
  });
});

describe("corsAllowed", () => {
  it.each<[string, string[], boolean]>([
    ["http://localhost:5173", [], true],
    ["https://app.example.com", ["https://app.example.com"], true],
    ["http://app.example.com", ["https://app.example.com"], false],
    ["https://app.example.com:8443", ["https://app.example.com"], false],
    ["https://app.example.com:8443", ["https://app.example.com:8443"], true],
    ["http://app.example.com", ["app.example.com"], true],
    ["http://app.example.com", ["https://app.example.com", "app.example.com"], true],
    ["https://other.example.com", ["https://app.example.com"], true],
    ["null", [], false],
  ])("%s with %j: %s", (origin, configured, allowed) => {
    expect(corsAllowed(origin, configured)).toBe(allowed);
  });
});

describe("serveHttp to a browser page", () => {
  it("answers the preflight of a loopback page without a token, then lets it read answers and refusals", async () => {
    const url = await start();
    const answer = await preflight(url, PAGE, "POST", "authorization, content-type, mcp-protocol-version, mcp-method");
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe(PAGE);
    expect(answer.headers.get("access-control-allow-methods")).toBe("POST");
    const listed = await list(url, { origin: PAGE, authorization: `Bearer ${TOKEN}` });
    expect(listed.status).toBe(200);
    expect(listed.headers.get("access-control-allow-origin")).toBe(PAGE);
    // A page must read the challenge to find where to get a token.
    const refused = await list(url, { origin: PAGE });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(PAGE);
    expect(refused.headers.get("access-control-expose-headers")).toContain("www-authenticate");
  });

  it("lets in an origin given with allowedOrigins, and offers a stateful endpoint's GET and DELETE", async () => {
    const url = await start({ stateful: true, allowedOrigins: ["https://app.example.com"] });
    const answer = await preflight(url, "https://app.example.com", "DELETE", "authorization, mcp-session-id");
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-methods")).toBe("GET, POST, DELETE");
    expect(answer.headers.get("access-control-allow-headers")).toContain("mcp-session-id");
  });

  it("answers no page of an allowed name on another scheme than the one given", async () => {
    const url = await start({ allowedOrigins: ["https://app.example.com"] });
    const answer = await preflight(url, "http://app.example.com");
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    const listed = await list(url, { origin: "http://app.example.com", authorization: `Bearer ${TOKEN}` });
    expect(listed.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses a preflight from an origin it does not allow, and adds nothing for a request without Origin", async () => {
    const url = await start();
    const answer = await preflight(url, "https://evil.example");
    expect(answer.status).toBe(403);
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    const plain = await list(url, { authorization: `Bearer ${TOKEN}` });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets a page read no answer of /metrics, which is for Prometheus", async () => {
    const url = await start({ metrics: true });
    const scraped = await fetch(new URL("/metrics", url), {
      headers: { origin: PAGE, authorization: `Bearer ${TOKEN}` },
    });
    expect(scraped.status).toBe(200);
    await scraped.text();
    expect(scraped.headers.get("access-control-allow-origin")).toBeNull();
    const refused = await fetch(new URL("/metrics", url), { headers: { origin: PAGE } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});
