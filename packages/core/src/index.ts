export {
  CliError,
  type CliSpec,
  type CliValues,
  formatHelp,
  type OptionSpec,
  parseCli,
  parsePositiveInt,
} from "./cli-options.js";
export {
  createStatelessHandler,
  type HttpEndpoint,
  type HttpServeOptions,
  isAuthorized,
  MAX_HTTP_BODY_BYTES,
  serveHttp,
} from "./http-server.js";
export { createLogger, isLogLevel, LOG_LEVELS, type Logger, type LogLevel, silentLogger } from "./logger.js";
export { createMcpServer, type ServerInfo } from "./mcp-server.js";
export { errorMessage, fail, ok, sliceUtf8, type Truncated, truncateToBytes } from "./results.js";
export {
  packageVersion,
  type RunningServer,
  runServerCli,
  SERVER_OPTIONS,
  type ServerCli,
  selectLogLevel,
  selectTransport,
  type TransportChoice,
} from "./serve.js";
export { StatelessMultiplexTransport } from "./stateless-transport.js";
export { defineTool, registerTools, type ToolDefinition, type ToolExtra, type ToolHints } from "./tool.js";
