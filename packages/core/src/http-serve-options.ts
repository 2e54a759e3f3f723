// What serveHttp takes and gives back, and the rules its options are checked by.
import type { Server } from "node:http";
import type { AuditLog } from "./audit-log.js";
import type { Authenticator } from "./auth.js";
import type { RolePolicy } from "./auth-roles.js";
import type { CallerLimitSettings } from "./caller-limits.js";
import { trustProxyProblem } from "./client-address.js";
import { allowedHostsProblem } from "./host-entry.js";
import type { SessionLimits } from "./http-options.js";
import { checkLibraryOptions, hasFunctions, type OptionRules, optionRule as rule } from "./library-options.js";
import type { Logger } from "./logger.js";
import type { ServerMetrics } from "./metrics.js";
import { RATE_LIMIT_RULES } from "./rate-limit.js";
import type { SettingNames } from "./setting-names.js";
import { type TlsPair, tlsPairProblem } from "./tls-pair.js";
import { MAX_TIMER_MS } from "./whole-number.js";

/** How to serve MCP over Streamable HTTP. */
export interface HttpServeOptions {
  host: string;
  port: number;
  /** One shared bearer token every request must carry (MCP_AUTH_TOKEN); or `auth`, one of the two. Under 32 characters is warned about. */
  token?: string;
  /** How callers are authenticated: named tokens with roles, or OAuth (see auth.ts). Default: `token`. */
  auth?: Authenticator;
  /**
   * Custom roles and the scopes that grant them (MCP_AUTH_POLICY). Default: the `auth` authenticator's, else reader and
   * writer only.
   */
  policy?: RolePolicy;
  /**
   * Rate, concurrency and open listen streams per caller (MCP_RATE_LIMIT, MCP_MAX_CONCURRENT_PER_CALLER,
   * MCP_MAX_STREAMS_PER_CALLER). Default: no rate or concurrency limit, STREAMS_PER_CALLER streams.
   */
  limits?: CallerLimitSettings;
  /** The audit trail: one line per request (MCP_AUDIT_LOG). Default none. */
  audit?: AuditLog;
  /** Hostnames the Host header may name besides loopback ones (on a loopback bind) or at all (elsewhere). */
  allowedHosts?: readonly string[];
  /** Origins (URL or hostname) a browser request may come from besides loopback ones. */
  allowedOrigins?: readonly string[];
  /**
   * Reverse proxies whose `X-Forwarded-For` names the client (MCP_TRUST_PROXY): addresses, CIDR ranges, or
   * `loopback`, `linklocal`, `uniquelocal`. The client's address then counts a shared token's sessions and listen
   * streams, and the log names it. Default none: the connection's own address, the proxy's behind one.
   */
  trustProxy?: readonly string[];
  /**
   * Stateless (default): every request is served on its own, both protocol eras, so any replica behind a load
   * balancer can take any call. Stateful: 2025-era clients get sessions (Mcp-Session-Id), with a GET stream for
   * server notifications and server-to-client requests; 2026-07-28 requests stay stateless.
   */
  stateful?: boolean;
  /** Stateful mode: idle time before a session is closed, the most sessions open at once, and per caller. */
  sessions?: Partial<SessionLimits>;
  /**
   * Serve HTTPS with this certificate and private key (PEM; the certificate's chain may follow it), checked to be a
   * pair before anything listens. Renew it with the endpoint's `setTls`. Default: plain HTTP (TLS in front).
   */
  tls?: TlsPair;
  /** URL path of the endpoint. Default "/mcp". */
  path?: string;
  /** How refusals name settings: these options' names by default (`allowedHosts`); the bins name their flags. */
  settingNames?: SettingNames;
  /**
   * Serve Prometheus metrics at GET /metrics, behind the same Host and Origin checks as the endpoint, to a caller
   * with the `metrics` role (scope `mcp:metrics`) or `writer`: others get 403. `true`: the factory's own (its calls,
   * refusals and the process's), with prom-client loaded only then; the bins pass the ones they also serve on
   * --metrics-port. Default off.
   */
  metrics?: boolean | ServerMetrics;
  logger?: Logger;
}

/** What each of serveHttp's options must be, so plain JavaScript gets `tokn` named, not "needs a token". */
export const SERVE_HTTP_RULES: OptionRules<HttpServeOptions> = {
  host: rule.required(rule.text),
  port: rule.required(rule.wholeNumber(0, 65535)),
  token: rule.text,
  auth: {
    expects:
      "an authenticator: sharedTokenAuthenticator(…), tokensFileAuthenticator(…), oauthAuthenticator(…), or an object with authenticate and refuseUse functions",
    test: (value) => hasFunctions(value, ["authenticate", "refuseUse"]),
  },
  policy: {
    expects: "a role policy: parsePolicy(text) or EMPTY_POLICY, an object of roles and scopes",
    test: (value) => hasObjects(value, ["roles", "scopes"]),
  },
  limits: rule.object,
  audit: {
    expects: "an audit log: openAuditLog(target), or an object with write, toolCall, reopen and close functions",
    test: (value) => hasFunctions(value, ["write", "toolCall", "reopen", "close"]),
  },
  allowedHosts: rule.texts,
  allowedOrigins: rule.texts,
  trustProxy: rule.texts,
  stateful: rule.boolean,
  sessions: rule.object,
  tls: {
    expects: "{ cert, key }: a PEM certificate and its private key, as strings or Buffers",
    test: (value) =>
      typeof value === "object" &&
      value !== null &&
      ["cert", "key"].every((half) => {
        const pem = (value as Record<string, unknown>)[half];
        return typeof pem === "string" || Buffer.isBuffer(pem);
      }),
  },
  path: {
    expects: 'a URL path starting with "/", such as "/mcp"',
    test: (value) => typeof value === "string" && /^\/[^\s?#]*$/.test(value),
  },
  settingNames: rule.function,
  metrics: {
    expects: "true, false, or metrics with contentType and a scrape function",
    test: (value) =>
      typeof value === "boolean" ||
      (hasFunctions(value, ["scrape", "close"]) && typeof (value as ServerMetrics).contentType === "string"),
  },
  logger: rule.logger,
};

/** An object whose `names` are each an object (not an array). */
function hasObjects(value: unknown, names: readonly string[]): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    names.every((name) => {
      const inner = (value as Record<string, unknown>)[name];
      return typeof inner === "object" && inner !== null && !Array.isArray(inner);
    })
  );
}

/** What serveHttp's `limits` may hold: each count at least 1 (0 would refuse every caller). */
export const CALLER_LIMIT_RULES: OptionRules<CallerLimitSettings> = {
  rate: {
    expects: "null or a rate: { perSecond, burst }",
    test: (value) => value === null || (typeof value === "object" && !Array.isArray(value)),
  },
  maxConcurrent: rule.wholeNumber(1),
  maxStreams: rule.wholeNumber(1),
  names: rule.object,
};

/** What serveHttp's `sessions` may hold. */
export const SESSION_LIMIT_RULES: OptionRules<SessionLimits> = {
  idleMs: rule.wholeNumber(1, MAX_TIMER_MS),
  maxSessions: rule.wholeNumber(1),
  maxSessionsPerCaller: rule.wholeNumber(1),
};

/** Check serveHttp's options, and the limits nested in them, before anything is built. */
export function checkServeHttpOptions(options: HttpServeOptions): void {
  checkLibraryOptions("serveHttp", options, SERVE_HTTP_RULES);
  if (options.token !== undefined && options.auth !== undefined) {
    throw new TypeError(
      "serveHttp: give token (one shared token) or auth (an authenticator), not both: with both, which one holds is not clear",
    );
  }
  if (options.sessions !== undefined && options.stateful !== true) {
    throw new TypeError(
      "serveHttp: sessions limits sessions, which only stateful: true gives 2025-era clients; add it",
    );
  }
  const badTls = options.tls && tlsPairProblem(options.tls);
  if (badTls) throw new TypeError(`serveHttp: ${badTls}`);
  const untrusted = options.trustProxy && trustProxyProblem(options.trustProxy);
  if (untrusted) throw new TypeError(`serveHttp: trustProxy: ${untrusted}`);
  const badHost = options.allowedHosts && allowedHostsProblem(options.allowedHosts);
  if (badHost) throw new TypeError(`serveHttp: allowedHosts: ${badHost}`);
  if (options.limits) checkLibraryOptions("serveHttp's limits", options.limits, CALLER_LIMIT_RULES);
  if (options.limits?.rate) checkLibraryOptions("serveHttp's limits.rate", options.limits.rate, RATE_LIMIT_RULES);
  if (options.sessions) checkLibraryOptions("serveHttp's sessions", options.sessions, SESSION_LIMIT_RULES);
}

/** A running HTTP endpoint. */
export interface HttpEndpoint {
  url: URL;
  server: Server;
  /**
   * Serve new connections with another certificate and key (a renewed one), keeping those open; throws, keeping the
   * pair in use, for a pair that is not one (see tls) or an endpoint without TLS.
   */
  setTls(pair: TlsPair): void;
  /** Take no new connections and wait up to `ms` for the calls being answered; true when all were. */
  drain(ms: number): Promise<boolean>;
  close(): Promise<void>;
}
