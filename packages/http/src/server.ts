import {
  checkLibraryOptions,
  ignoredConfirmWarning,
  optionNames,
  packageVersion,
  type ServerBlueprint,
  type ServerFactory,
  serverFactory,
  singleServer,
  toolSet,
} from "@mcp-toolkit/core";
import type { McpServer } from "@modelcontextprotocol/server";
import { createBudgetGate } from "./budget-gate.js";
import { createRedactor } from "./credentials.js";
import type { ToolContext } from "./exchange.js";
import type { Fetcher, FetcherOptions } from "./fetch-request.js";
import { createFetcher } from "./fetcher.js";
import { imageLimitWarning } from "./image-body.js";
import { resolveBudgets } from "./memory-budget.js";
import { resolveLengthSettings } from "./page-length.js";
import { callApiPrompt } from "./prompts/call-api.js";
import { createBodyRenderer } from "./render.js";
import { HTTP_DEFAULTS, HTTP_OPTION_RULES, type HttpServerOptions, resolveFetcherOptions } from "./server-options.js";
import { httpGetTool } from "./tools/http-get.js";
import { httpPostTool } from "./tools/http-post.js";
import { httpRequestTool } from "./tools/http-request.js";
import { unreachableHostsWarning } from "./unreachable-hosts.js";

export { HTTP_DEFAULTS, type HttpServerOptions, resolveFetcherOptions } from "./server-options.js";

/**
 * Build the HTTP gateway MCP server: one ready server, for one connection. No module state: every instance has its
 * own pool, limits and credentials (or shares the `fetcher` it is given).
 */
export function createHttpServer(options: HttpServerOptions = {}): McpServer {
  checkLibraryOptions("createHttpServer", options, HTTP_OPTION_RULES);
  return singleServer(httpBlueprint(options), "createHttpServer");
}

/**
 * The same server as a factory, for serving many connections or requests (`serveStdio(factory)`,
 * `createMcpHandler(factory)`): one keep-alive pool and one set of compiled tools, shared; `close()` closes the pool
 * (unless it was passed in as `fetcher`).
 */
export function createHttpServerFactory(options: HttpServerOptions = {}): ServerFactory {
  checkLibraryOptions("createHttpServerFactory", options, HTTP_OPTION_RULES);
  return serverFactory(httpBlueprint(options));
}

function httpBlueprint(options: HttpServerOptions): ServerBlueprint {
  const settingNames = options.settingNames ?? optionNames;
  // Checked before the pool is made, so a refused setting leaves nothing open.
  const { maxLength, maxLengthLimit } = resolveLengthSettings(options.maxLength, options.maxLengthLimit, settingNames);
  const maxResponseBytes = options.fetcher?.options.maxResponseBytes ?? options.maxResponseBytes;
  const budgets = resolveBudgets(options, maxResponseBytes ?? HTTP_DEFAULTS.maxResponseBytes, settingNames);
  const fetcher = options.fetcher ?? ownFetcher(options);
  const readOnly = options.readOnly ?? false;
  const maxImageBytes = options.maxImageBytes ?? HTTP_DEFAULTS.maxImageBytes;
  const conflict = imageLimitWarning(maxImageBytes, fetcher.options.maxResponseBytes, settingNames);
  if (conflict) (options.logger ?? fetcher.options.logger)?.warn(conflict);
  // Only a DELETE asks, and read-only mode refuses it before any question.
  const unasked = ignoredConfirmWarning(
    options.confirm,
    readOnly ? settingNames("readOnly", "true") : undefined,
    "only a DELETE asks the user first, and a read-only server sends only GET and HEAD",
    settingNames,
  );
  if (unasked) (options.logger ?? fetcher.options.logger)?.warn(unasked);
  const ctx: ToolContext = {
    fetcher,
    renderer: createBodyRenderer(
      {
        maxBytes: maxImageBytes,
        setting: settingNames("maxImageBytes"),
        maxSide: options.maxImageSide ?? HTTP_DEFAULTS.maxImageSide,
        sideSetting: settingNames("maxImageSide"),
      },
      createBudgetGate(budgets.maxConversions),
    ),
    bodies: createBudgetGate(budgets.maxBufferedBytes),
    readOnly,
    redact: createRedactor(fetcher.options.credentials.secrets),
    defaultMaxLength: maxLength,
    maxLengthLimit,
    settingNames,
    confirm: options.confirm ?? "never",
  };
  return {
    info: {
      name: "mcp-http",
      version: packageVersion(import.meta.url),
      instructions: instructions(fetcher.options, readOnly),
    },
    tools: toolSet(
      readOnly ? [httpGetTool(ctx), httpRequestTool(ctx)] : [httpGetTool(ctx), httpPostTool(ctx), httpRequestTool(ctx)],
      { names: settingNames },
    ),
    prompts: [callApiPrompt(ctx)],
    // The audit trail's argument previews lose the credentials too.
    redact: (text) => ctx.redact(text),
    close: async () => {
      if (!options.fetcher) await fetcher.close();
    },
  };
}

/**
 * A pool of the server's own, saying once at start-up which allowed hosts its address policy will never reach. A pool
 * passed in is not warned about again: its policy was set, and said, where it was made.
 */
function ownFetcher(options: HttpServerOptions): Fetcher {
  const resolved = resolveFetcherOptions(options);
  const unreachable = unreachableHostsWarning(resolved);
  if (unreachable) resolved.logger?.warn(unreachable);
  return createFetcher(resolved);
}

/** One line telling the model what this server will and will not reach. */
function instructions(options: FetcherOptions, readOnly: boolean): string {
  const parts = [
    "HTTP gateway.",
    readOnly ? "Read-only: GET and HEAD only." : "",
    options.allowPrivate
      ? "Loopback and private addresses are allowed."
      : options.allowLoopback
        ? "Loopback addresses (localhost) are allowed; private addresses are refused."
        : "Loopback and private addresses are refused.",
    options.allowHosts.length > 0 ? `Only these hosts are reachable: ${options.allowHosts.join(", ")}.` : "",
  ];
  return parts.filter(Boolean).join(" ");
}
