#!/usr/bin/env node
import {
  CONFIRM_OPTIONS,
  errorMessage,
  flagNames,
  HOST_LIST_EXAMPLE,
  MAX_TIMER_MS,
  type OptionSpec,
  packageVersion,
  runServerCli,
  selectConfirm,
  UsageError,
  wholeNumberOption,
} from "@mcp-toolkit/core";
import { parseCredentialsJson } from "./credentials.js";
import { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_CONVERSIONS, resolveBudgets } from "./memory-budget.js";
import { DEFAULT_MAX_LENGTH_LIMIT, resolveLengthSettings } from "./page-length.js";
import { createHttpServerFactory, HTTP_DEFAULTS, type HttpServerOptions, resolveFetcherOptions } from "./server.js";

const options = {
  "allow-hosts": {
    type: "string",
    multiple: true,
    env: "MCP_HTTP_ALLOW_HOSTS",
    envExample: HOST_LIST_EXAMPLE,
    valueName: "PATTERN",
    description: "Only these hosts are reachable: host, host:port or *.example.com. Default any public host.",
  },
  "allow-private": {
    type: "boolean",
    env: "MCP_HTTP_ALLOW_PRIVATE",
    description: "Permit loopback, private, link-local and unique-local addresses.",
  },
  "allow-loopback": {
    type: "boolean",
    env: "MCP_HTTP_ALLOW_LOOPBACK",
    description: "Permit loopback only (127.0.0.0/8, ::1, localhost), for a local dev API; no other private range.",
  },
  "timeout-ms": {
    type: "string",
    env: "MCP_HTTP_TIMEOUT_MS",
    default: String(HTTP_DEFAULTS.timeoutMs),
    valueName: "MS",
    description: "Deadline per call, redirects and retries included.",
  },
  "max-response-bytes": {
    type: "string",
    env: "MCP_HTTP_MAX_RESPONSE_BYTES",
    default: String(HTTP_DEFAULTS.maxResponseBytes),
    valueName: "N",
    description: "Body bytes read per response; reading stops there.",
  },
  "max-buffered-bytes": {
    type: "string",
    env: "MCP_HTTP_MAX_BUFFERED_BYTES",
    valueName: "N",
    description: `Body bytes all calls in flight may hold at once; more wait their turn. Default ${DEFAULT_MAX_BUFFERED_BYTES}, or --max-response-bytes if higher.`,
  },
  "max-conversions": {
    type: "string",
    env: "MCP_HTTP_MAX_CONVERSIONS",
    default: String(DEFAULT_MAX_CONVERSIONS),
    valueName: "N",
    description: "HTML pages converted to markdown at once; more wait their turn.",
  },
  "max-image-bytes": {
    type: "string",
    env: "MCP_HTTP_MAX_IMAGE_BYTES",
    default: String(HTTP_DEFAULTS.maxImageBytes),
    valueName: "N",
    description: "Largest image body (PNG, JPEG, GIF, WebP) returned as image content; larger ones are summarised.",
  },
  "max-image-side": {
    type: "string",
    env: "MCP_HTTP_MAX_IMAGE_SIDE",
    default: String(HTTP_DEFAULTS.maxImageSide),
    valueName: "N",
    description: "Longest side in pixels of an image body returned as image content (Claude's API takes 8000).",
  },
  "max-length": {
    type: "string",
    env: "MCP_HTTP_MAX_LENGTH",
    valueName: "N",
    description: `Body characters per result when a call gives no max_length. Default ${HTTP_DEFAULTS.maxLength}, or --max-length-limit if lower.`,
  },
  "max-length-limit": {
    type: "string",
    env: "MCP_HTTP_MAX_LENGTH_LIMIT",
    valueName: "N",
    description: `Most body characters per result, whatever max_length asks. Default ${DEFAULT_MAX_LENGTH_LIMIT}, or --max-length if higher.`,
  },
  credentials: {
    type: "string",
    env: "MCP_HTTP_CREDENTIALS",
    valueName: "JSON",
    description:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${ENV} is the credential syntax shown to users.
      'Per-host headers, {"host[:port]": {"Header": "value with ${ENV} or ${ENV:-default}"}}; never shown to the model.',
  },
  "trace-hosts": {
    type: "string",
    multiple: true,
    env: "MCP_HTTP_TRACE_HOSTS",
    envExample: HOST_LIST_EXAMPLE,
    valueName: "PATTERN",
    description:
      "Requests to these hosts carry the trace context (traceparent, …) while OTEL_* tracing is on. Default none.",
  },
  "read-only": { type: "boolean", env: "MCP_READ_ONLY", description: "Only GET and HEAD." },
  "rate-limit": {
    type: "string",
    env: "MCP_HTTP_RATE_LIMIT",
    valueName: "RATE",
    description: "Per-host token bucket, e.g. 10/s, 120/min or 5/s,burst=20. Default unlimited.",
  },
  "max-redirects": {
    type: "string",
    env: "MCP_HTTP_MAX_REDIRECTS",
    default: String(HTTP_DEFAULTS.maxRedirects),
    valueName: "N",
    description: "Redirects followed, each checked before it is sent.",
  },
  ...CONFIRM_OPTIONS,
} as const satisfies Record<string, OptionSpec>;

void runServerCli<typeof options, HttpServerOptions>({
  spec: {
    name: "mcp-http",
    summary: "MCP HTTP gateway: any REST call, SSRF-checked at connect time, bounded, with hidden credentials.",
    options,
    epilog:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${API_TOKEN} is the credential syntax shown to users.
      'MCP_HTTP_CREDENTIALS example: {"api.example.com": {"Authorization": "Bearer ${API_TOKEN}"}}\n' +
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${NAME:-default} is the credential syntax shown to users.
      "${NAME} and ${NAME:-default} are expanded from this process's environment; values are never shown to the model.",
  },
  version: () => packageVersion(import.meta.url),
  configure(values, env) {
    try {
      const server: HttpServerOptions = {
        allowHosts: values["allow-hosts"],
        allowPrivate: values["allow-private"],
        allowLoopback: values["allow-loopback"],
        timeoutMs: wholeNumberOption(options, values, "timeout-ms", { min: 1, max: MAX_TIMER_MS }),
        maxResponseBytes: wholeNumberOption(options, values, "max-response-bytes", { min: 1 }),
        maxRedirects: wholeNumberOption(options, values, "max-redirects", { min: 0 }),
        // Unset (or blank), the budget follows --max-response-bytes up (memory-budget.ts).
        maxBufferedBytes: values["max-buffered-bytes"]?.trim()
          ? wholeNumberOption(options, values, "max-buffered-bytes", { min: 1 })
          : undefined,
        maxConversions: wholeNumberOption(options, values, "max-conversions", { min: 1 }),
        maxImageBytes: wholeNumberOption(options, values, "max-image-bytes", { min: 1 }),
        maxImageSide: wholeNumberOption(options, values, "max-image-side", { min: 1 }),
        rateLimit: values["rate-limit"] ?? null,
        traceHosts: values["trace-hosts"],
        credentials: values.credentials ? parseCredentialsJson(values.credentials, credentialsSource(values, env)) : {},
        env,
        readOnly: values["read-only"],
        confirm: selectConfirm(values),
        // Unset (or blank), the default follows --max-length-limit down (page-length.ts).
        maxLength: values["max-length"]?.trim()
          ? wholeNumberOption(options, values, "max-length", { min: 1 })
          : undefined,
        // No fixed default: unset (or blank), the ceiling follows --max-length (page-length.ts).
        maxLengthLimit: values["max-length-limit"]?.trim()
          ? wholeNumberOption(options, values, "max-length-limit", { min: 1 })
          : undefined,
      };
      // A bad host pattern or rate fails here, at start-up, in one line naming the flag.
      resolveFetcherOptions({ ...server, settingNames: flagNames(options) });
      resolveLengthSettings(server.maxLength, server.maxLengthLimit, flagNames(options));
      resolveBudgets(server, server.maxResponseBytes ?? HTTP_DEFAULTS.maxResponseBytes, flagNames(options));
      return server;
    } catch (error) {
      throw error instanceof UsageError ? error : new UsageError(errorMessage(error));
    }
  },
  // One keep-alive pool for the process, shared by every connection or request, closed with the factory.
  createFactory: (server, logger) => createHttpServerFactory({ ...server, logger, settingNames: flagNames(options) }),
});

/** The setting the credentials came from, to name in a start-up error: the flag wins over the environment. */
function credentialsSource(values: { credentials?: string | undefined }, env: NodeJS.ProcessEnv): string {
  return env.MCP_HTTP_CREDENTIALS !== undefined && env.MCP_HTTP_CREDENTIALS === values.credentials
    ? "MCP_HTTP_CREDENTIALS"
    : "--credentials";
}
