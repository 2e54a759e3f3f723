// Protocol revisions as literals, so that the agent (which imports this) does not load the server SDK to read them;
// a test holds LEGACY_PROTOCOL_VERSIONS equal to the SDK's own list.

/** The current MCP revision, stateless, served to clients that ask for it (`server/discover`, per-request `_meta`). */
export const MODERN_PROTOCOL_VERSION = "2026-07-28";

/** The 2025-era revisions (and older) still served, newest first, as the SDK negotiates them after `initialize`. */
export const LEGACY_PROTOCOL_VERSIONS: readonly string[] = [
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
  "2024-10-07",
];

/** The newest 2025-era revision: what a 2025 client negotiates by default. */
export const LATEST_LEGACY_PROTOCOL_VERSION = "2025-11-25";

/** Every revision our servers speak, newest first. */
export const SERVED_PROTOCOL_VERSIONS: readonly string[] = [MODERN_PROTOCOL_VERSION, ...LEGACY_PROTOCOL_VERSIONS];

/** 2026-07-28's error code for a request in a revision the server does not speak (UnsupportedProtocolVersionError). */
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;

/** Does one of our servers speak this revision? */
export function isServedProtocolVersion(version: string): boolean {
  return SERVED_PROTOCOL_VERSIONS.includes(version);
}

/**
 * `version` when one of our servers speaks it, else undefined: how a revision a request names, unchecked, becomes a
 * metric's label, whose values must be few (a caller may send any date).
 */
export function servedRevision(version: string | undefined): string | undefined {
  return version !== undefined && isServedProtocolVersion(version) ? version : undefined;
}
