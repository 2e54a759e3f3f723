export { parseRateLimit, type RateLimit } from "@mcp-toolkit/core";
export { type AddressClass, classifyAddress } from "./address-class.js";
export { type Credentials, parseCredentialsJson } from "./credentials.js";
export { FetchError, type FetchErrorKind } from "./fetch-errors.js";
export type { Fetcher, FetcherOptions, FetchRequest, FetchResponse } from "./fetch-request.js";
export { createFetcher } from "./fetcher.js";
export { DEFAULT_MAX_LENGTH_LIMIT } from "./page-length.js";
export {
  createHttpServer,
  createHttpServerFactory,
  HTTP_DEFAULTS,
  type HttpServerOptions,
  resolveFetcherOptions,
} from "./server.js";
export { checkAddress, checkUrl, matchesAllowlist, parseTarget, type UrlPolicy } from "./url-policy.js";
