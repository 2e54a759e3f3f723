import type { ResourceDefinition } from "./resource.js";
import type { ToolStats } from "./tool-stats.js";

/** The stats resource of a server: what it has done since it started. */
export function statsResource(uri: string, stats: ToolStats): ResourceDefinition {
  return {
    name: "stats",
    title: "Server statistics",
    description:
      "Since start: calls, errors, p50/p95 latency and bytes per tool, refusals by cause, uptime. Nothing secret.",
    uri,
    mimeType: "application/json",
    read: async (url) => ({
      contents: [{ uri: url.href, mimeType: "application/json", text: JSON.stringify(stats.report(), null, 2) }],
    }),
  };
}
