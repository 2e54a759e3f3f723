export type { ClientRootsMode } from "./client-roots.js";
export { DEFAULT_LIMITS, type FilesystemServerOptions, type Limits } from "./options.js";
export {
  checkReal,
  isHidden,
  isWithin,
  normalizeHidden,
  type PolicyResult,
  type RootPair,
  resolveLexical,
} from "./path-policy.js";
export { LINE_COUNT_BUDGET } from "./read-io.js";
export { createFilesystemServer, createFilesystemServerFactory } from "./server.js";
