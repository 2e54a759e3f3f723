export { ACCESS_OPTIONS, type AccessChoice, type AuthChoice } from "./access-options.js";
export { selectAccess } from "./access-select.js";
export { type ArgvOption, argvUsageLine } from "./argv-mistake.js";
export { type Audience, AudienceSignal } from "./audience.js";
export {
  ARGS_PREVIEW_CHARS,
  type AuditEntry,
  type AuditLog,
  type AuditOutcome,
  argsDigest,
  openAuditLog,
} from "./audit-log.js";
export {
  type Authenticator,
  type AuthResult,
  type NamedToken,
  parseTokensFile,
  sharedTokenAuthenticator,
  tokensFileAuthenticator,
} from "./auth.js";
export { type OAuthSettings, oauthAuthenticator } from "./auth-oauth-authenticator.js";
export {
  allowedNames,
  BUILTIN_ROLES,
  BUILTIN_SCOPES,
  checkScrape,
  checkUse,
  EMPTY_POLICY,
  METRICS_ROLES,
  noGrantReason,
  type Offered,
  parsePolicy,
  type RolePolicy,
  rolesForScopes,
  type UseVerdict,
} from "./auth-roles.js";
export type { Caller } from "./caller.js";
export { type Admission, type CallerLimitSettings, CallerLimits, STREAMS_PER_CALLER } from "./caller-limits.js";
export {
  type CliSpec,
  type CliValues,
  formatHelp,
  HOST_LIST_EXAMPLE,
  type OptionSpec,
  parseCli,
  parseEnvBoolean,
  parseEnvList,
  UsageError,
} from "./cli-options.js";
export {
  CONFIRM_OPTIONS,
  CONFIRM_RULE,
  type Confirmation,
  type ConfirmMode,
  canElicit,
  ignoredConfirmWarning,
  selectConfirm,
  unconfirmed,
} from "./confirm.js";
export { cutIndex } from "./cut-index.js";
export { type EnvExpansion, expandEnvRefs, unsetRefMessage } from "./env-refs.js";
export { errorTypeOf } from "./error-type.js";
export { isHeaderName } from "./header-name.js";
export { expandHome } from "./home-path.js";
export { allowedHostsProblem, type Ipv6PortSlip, ipv6PortSlip } from "./host-entry.js";
export { checkRequest, type GuardVerdict, guardPolicy, type HttpGuardPolicy, isLoopbackHost } from "./http-guard.js";
export { MAX_HTTP_BODY_BYTES, SESSION_DEFAULTS, type SessionLimits } from "./http-options.js";
export { type HttpEndpoint, type HttpServeOptions, isAuthorized, serveHttp } from "./http-server.js";
export {
  DEFAULT_MAX_IMAGE_BYTES,
  IMAGE_FORMATS,
  IMAGE_MEDIA_TYPES,
  imageProblem,
  imageType,
  imageVerdict,
} from "./image-bytes.js";
export { type ImageSize, imageSideProblem, imageSize, MAX_IMAGE_SIDE } from "./image-size.js";
export { jsonDepth } from "./json-depth.js";
export {
  checkLibraryOptions,
  hasFunctions,
  libraryOptionsProblem,
  type OptionRule,
  type OptionRules,
  optionRule,
} from "./library-options.js";
export { createLogger, isLogLevel, LOG_LEVELS, type Logger, type LogLevel, silentLogger } from "./logger.js";
export { makeDirs } from "./make-dirs.js";
export {
  createMcpServer,
  type McpServerOptions,
  type ServerBlueprint,
  type ServerInfo,
  TOOL_LIST_CACHE,
} from "./mcp-server.js";
// A type only: metrics.ts loads prom-client, which only an endpoint serving metrics needs.
export type { ServerMetrics } from "./metrics.js";
export { closest } from "./nearest-name.js";
export { type NodeMcpHandler, nodeMcpHandler } from "./node-handler.js";
export { type OpenedAccess, openAccess } from "./open-access.js";
export { packageVersion } from "./package-version.js";
export { plural } from "./plural.js";
export { portabilityProblems, portable } from "./portable-schema.js";
export {
  createProgress,
  noProgress,
  PROGRESS_TIMING,
  type Progress,
  type ProgressTiming,
  type ProgressUpdate,
} from "./progress.js";
export {
  type Completer,
  completionValues,
  definePrompt,
  MAX_COMPLETIONS,
  type PromptArgument,
  type PromptDefinition,
  registerPrompts,
} from "./prompt.js";
export {
  carrierOf,
  MAX_BAGGAGE_CHARS,
  MAX_TRACE_FIELD_CHARS,
  PROPAGATOR_NAMES,
  type Propagation,
  type PropagatorName,
  propagationFrom,
  type TraceCarrier,
} from "./propagation.js";
export {
  isServedProtocolVersion,
  LATEST_LEGACY_PROTOCOL_VERSION,
  LEGACY_PROTOCOL_VERSIONS,
  MODERN_PROTOCOL_VERSION,
  SERVED_PROTOCOL_VERSIONS,
} from "./protocol.js";
export { parseRateLimit, RATE_LIMIT_RULES, type RateLimit, rateText, TokenBuckets } from "./rate-limit.js";
export { realPathOf } from "./real-path.js";
export {
  RESOURCE_PAGE_SIZE,
  type ResourceDefinition,
  type ResourceSet,
  type ResourceTemplateDefinition,
  registerResources,
  resourceError,
} from "./resource.js";
export {
  CANCELLED_BY_CLIENT,
  cancelledNote,
  errorMessage,
  fail,
  MAX_THROWN_MESSAGE_BYTES,
  ok,
  refusalCause,
  refuse,
  sliceUtf8,
  type Truncated,
  truncateToBytes,
} from "./results.js";
export { retryAfterMs } from "./retry-after.js";
export { isShuttingDown, SHUTTING_DOWN, ShuttingDown } from "./running-calls.js";
export { compileSchema, strictArgumentObject } from "./schema.js";
export { withoutQuerySecrets, withoutUserinfo } from "./secret-names.js";
export { type RunningServer, runServerCli, type ServerCli } from "./serve.js";
export { auditedFactory, type ServerFactory, type ServingContext, serverFactory } from "./server-factory.js";
export { SERVER_OPTIONS } from "./server-flags.js";
export { selectLogLevel, selectTransport, type TransportChoice } from "./server-options.js";
export { flagNames, optionNames, type SettingNames } from "./setting-names.js";
export { singleServer } from "./single-server.js";
export { SKIPPED_REPORTS } from "./stdio-transport.js";
export {
  MCP_DURATION_BUCKETS,
  type MetricExport,
  noTracing,
  type OtlpMeter,
  openOtlpMeter,
  type SpanAttributes,
  type SpanHandle,
  type SpanOptions,
  startMetricExport,
  startTracing,
  type Tracing,
  tracing,
} from "./telemetry.js";
export {
  metricExportFrom,
  type OtlpExport,
  resourceAttributeKey,
  signalUrl,
  type TraceExport,
  traceExportFrom,
} from "./telemetry-env.js";
export { flushTelemetry, type LastExports, TELEMETRY_FLUSH_MS } from "./telemetry-flush.js";
export type { TlsPair } from "./tls-pair.js";
export {
  defineTool,
  registerTools,
  type ToolCall,
  type ToolDefinition,
  type ToolHints,
  type ToolSet,
  type ToolSetOptions,
  toolSet,
} from "./tool.js";
export { type StatsListener, type StatsReport, type ToolFigures, ToolStats } from "./tool-stats.js";
export { type MissingPathSetting, pathFromSetting, topDirectoryProblem } from "./top-directory.js";
export { firstInvalidUtf8, type Utf8Fault } from "./utf8.js";
export type { Verdict } from "./verdict.js";
export {
  MAX_TIMER_MS,
  parseWholeNumber,
  type WholeNumberRange,
  type WholeNumberRule,
  wholeNumberOption,
  wholeNumberProblem,
} from "./whole-number.js";
