#!/usr/bin/env node
import {
  CliError,
  errorMessage,
  type OptionSpec,
  packageVersion,
  parsePositiveInt,
  runServerCli,
} from "@mcp-toolkit/core";
import { parseCredentialsJson } from "./credentials.js";
import { createFetcher, type Fetcher, type FetcherOptions } from "./fetcher.js";
import { createHttpServer, HTTP_DEFAULTS, resolveFetcherOptions } from "./server.js";

const options = {
  "allow-hosts": {
    type: "string",
    multiple: true,
    env: "MCP_HTTP_ALLOW_HOSTS",
    valueName: "PATTERN",
    description:
      "Only these hosts are reachable: host, host:port or *.example.com (env: comma list). Default any public host.",
  },
  "allow-private": {
    type: "boolean",
    env: "MCP_HTTP_ALLOW_PRIVATE",
    description: "Permit loopback, private, link-local and unique-local addresses.",
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
  "max-length": {
    type: "string",
    env: "MCP_HTTP_MAX_LENGTH",
    default: String(HTTP_DEFAULTS.maxLength),
    valueName: "N",
    description: "Body characters per result when a call gives no max_length.",
  },
  credentials: {
    type: "string",
    env: "MCP_HTTP_CREDENTIALS",
    valueName: "JSON",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${ENV} is the credential syntax shown to users.
    description: 'Per-host headers, {"host[:port]": {"Header": "value with ${ENV}"}}; never shown to the model.',
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
} as const satisfies Record<string, OptionSpec>;

interface Config {
  fetcherOptions: FetcherOptions;
  readOnly: boolean;
  maxLength: number;
  /** One keep-alive pool for the process, opened on the first server and closed in dispose. */
  fetcher?: Fetcher;
}

void runServerCli<typeof options, Config>({
  spec: {
    name: "mcp-http",
    summary: "MCP HTTP gateway: any REST call, SSRF-checked at connect time, bounded, with hidden credentials.",
    options,
    epilog:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${API_TOKEN} is the credential syntax shown to users.
      'MCP_HTTP_CREDENTIALS example: {"api.example.com": {"Authorization": "Bearer ${API_TOKEN}"}}\n' +
      "Values are expanded from this process's environment and never shown to the model.",
  },
  version: () => packageVersion(import.meta.url),
  configure(values, env) {
    try {
      const fetcherOptions = resolveFetcherOptions({
        allowHosts: values["allow-hosts"],
        allowPrivate: values["allow-private"],
        timeoutMs: parsePositiveInt(values["timeout-ms"], "MCP_HTTP_TIMEOUT_MS", HTTP_DEFAULTS.timeoutMs),
        maxResponseBytes: parsePositiveInt(
          values["max-response-bytes"],
          "MCP_HTTP_MAX_RESPONSE_BYTES",
          HTTP_DEFAULTS.maxResponseBytes,
        ),
        maxRedirects:
          values["max-redirects"] === "0"
            ? 0
            : parsePositiveInt(values["max-redirects"], "MCP_HTTP_MAX_REDIRECTS", HTTP_DEFAULTS.maxRedirects),
        rateLimit: values["rate-limit"] ?? null,
        credentials: values.credentials ? parseCredentialsJson(values.credentials) : {},
        env,
      });
      const maxLength = parsePositiveInt(values["max-length"], "MCP_HTTP_MAX_LENGTH", HTTP_DEFAULTS.maxLength);
      return { fetcherOptions, readOnly: values["read-only"], maxLength };
    } catch (error) {
      throw error instanceof CliError ? error : new CliError(errorMessage(error));
    }
  },
  createServer(config, logger) {
    config.fetcher ??= createFetcher({ ...config.fetcherOptions, logger });
    return createHttpServer({ fetcher: config.fetcher, readOnly: config.readOnly, maxLength: config.maxLength });
  },
  dispose: (config) => config.fetcher?.close(),
});
